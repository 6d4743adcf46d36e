using DeepPassport.Engine.Imaging;

namespace DeepPassport.Engine.Data;

/// <summary>
/// torchvision's <c>ImageFolder</c>: one sub-folder per class (classes sorted by name, ordinal), image files
/// (.png, .jpg, .jpeg, any case) sorted by name (ordinal) within each class, class by class. Each image goes
/// through the papers' Caltech transform, Resize(size) on the shorter side then CenterCrop(size), as RGB.
/// Images are decoded lazily on first use and the small transformed image is cached
/// (3 * size * size bytes a sample), so opening a large folder is fast and later epochs do not decode again.
/// </summary>
public sealed class ImageFolder : IImageDataset
{
    private readonly string[] _files;
    private readonly int[] _labels;
    private readonly ImageFileCache _cache;

    /// <summary>Lists the folder; nothing is decoded yet.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">There is no class folder, or a class folder holds no image.</exception>
    public ImageFolder(string root, int size = 32)
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
        ClassNames = classDirs.Select(d => Path.GetFileName(d)!).ToArray();
        _files = [.. files];
        _labels = [.. labels];
        Height = Width = size;
        _cache = new ImageFileCache(_files, img => ImageOps.CenterCrop(ImageResize.ShorterSide(img, size), size, size), size, size);
    }

    /// <summary>Class names (the sub-folder names) in label order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The file of every sample, in sample order.</summary>
    public IReadOnlyList<string> Files => _files;

    public int Count => _files.Length;
    public int ClassCount => ClassNames.Count;
    public int Channels => 3;
    public int Height { get; }
    public int Width { get; }

    public int Label(int i) => _labels[i];

    /// <summary>The transformed image of sample <paramref name="i"/> (decoded on first use).</summary>
    public Image GetImage(int i) => _cache.Get(i);

    /// <exception cref="ImageFormatException">The sample's file cannot be decoded; the message names it.</exception>
    public void CopyImage(int i, Span<float> dst) => _cache.CopyImage(i, dst);
}
