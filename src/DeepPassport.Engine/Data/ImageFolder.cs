using DeepPassport.Engine.Imaging;

namespace DeepPassport.Engine.Data;

/// <summary>
/// torchvision's <c>ImageFolder</c>: one sub-folder per class (classes sorted by name, ordinal), image files
/// (.png, .jpg, .jpeg, any case) sorted by name (ordinal) within each class, class by class. Each image goes
/// through the papers' Caltech transform, Resize(size) on the shorter side then CenterCrop(size), as RGB.
/// Images are decoded lazily on first use and the small transformed image is cached
/// (3 * size * size bytes a sample), so opening a large folder is fast and later epochs do not decode again.
/// </summary>
public sealed class ImageFolder : ImageFileDataset
{
    /// <summary>Lists the folder; nothing is decoded yet.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">There is no class folder, or a class folder holds no image.</exception>
    public ImageFolder(string root, int size = 32) : this(List(root, size), size) { }

    private ImageFolder((string[] Files, int[] Labels, string[] Classes) listing, int size)
        : base(listing.Files, listing.Labels, size, img => ImageOps.CenterCrop(ImageResize.ShorterSide(img, size), size, size))
        => ClassNames = listing.Classes;

    private static (string[], int[], string[]) List(string root, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"Image folder '{root}' does not exist.");
        string[] classDirs = Directory.GetDirectories(root).OrderBy(Path.GetFileName, StringComparer.Ordinal).ToArray();
        if (classDirs.Length == 0) throw new InvalidDataException($"Image folder '{root}' has no class sub-folders.");
        var files = new List<string>();
        var labels = new List<int>();
        for (int c = 0; c < classDirs.Length; c++)
        {
            string[] images = ImageFileCache.ListImages(classDirs[c]);
            if (images.Length == 0) throw new InvalidDataException($"Class folder '{classDirs[c]}' holds no .png, .jpg or .jpeg file.");
            files.AddRange(images);
            labels.AddRange(Enumerable.Repeat(c, images.Length));
        }
        return ([.. files], [.. labels], classDirs.Select(d => Path.GetFileName(d)!).ToArray());
    }

    /// <summary>Class names (the sub-folder names) in label order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    public override int ClassCount => ClassNames.Count;
}
