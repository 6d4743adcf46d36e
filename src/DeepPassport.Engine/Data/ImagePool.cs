using DeepPassport.Engine.Imaging;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Data;

/// <summary>
/// A pool of images to draw passports or steganographic keys from: the image files directly in one folder,
/// sorted by name (ordinal), so that a seed picks the same images on every machine.
/// </summary>
public sealed class ImagePool
{
    private readonly string[] _files;

    /// <summary>Lists the folder's .png, .jpg and .jpeg files.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">It holds no image.</exception>
    public ImagePool(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Image pool folder '{folder}' does not exist.");
        _files = ImageFileCache.ListImages(folder);
        if (_files.Length == 0) throw new InvalidDataException($"Image pool folder '{folder}' holds no .png, .jpg or .jpeg file.");
    }

    /// <summary>The image files, sorted.</summary>
    public IReadOnlyList<string> Files => _files;

    public int Count => _files.Length;

    /// <summary>Decodes file <paramref name="i"/> (gray stays gray; see <see cref="ImageOps.ToRgb"/>).</summary>
    public Image Load(int i) => ImageFile.Read(_files[i]);

    /// <summary>
    /// <paramref name="k"/> distinct files chosen uniformly by <paramref name="rng"/>, in draw order
    /// (the first k steps of a Fisher-Yates shuffle of the indices).
    /// </summary>
    public IReadOnlyList<string> SampleFiles(int k, Rng rng)
    {
        if (k < 0 || k > _files.Length)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"Cannot draw {k} distinct images from a pool of {_files.Length}.");
        int[] index = Enumerable.Range(0, _files.Length).ToArray();
        var picked = new string[k];
        for (int i = 0; i < k; i++)
        {
            int j = i + rng.NextInt(index.Length - i);
            (index[i], index[j]) = (index[j], index[i]);
            picked[i] = _files[index[i]];
        }
        return picked;
    }

    /// <summary>Draws <paramref name="k"/> distinct images as <see cref="SampleFiles"/> does and decodes them.</summary>
    public IReadOnlyList<Image> Sample(int k, Rng rng) => SampleFiles(k, rng).Select(ImageFile.Read).ToArray();
}
