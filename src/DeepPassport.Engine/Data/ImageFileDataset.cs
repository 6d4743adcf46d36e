using DeepPassport.Engine.Imaging;

namespace DeepPassport.Engine.Data;

/// <summary>
/// What every data set of image files shares: a file and a label per sample, RGB images of a fixed square size made
/// by a transform, decoded lazily on first use and cached small.
/// </summary>
public abstract class ImageFileDataset : IImageDataset
{
    private readonly string[] _files;
    private readonly int[] _labels;
    private readonly ImageFileCache _cache;

    protected ImageFileDataset(string[] files, int[] labels, int size, Func<Image, Image> transform)
    {
        _files = files;
        _labels = labels;
        Height = Width = size;
        _cache = new ImageFileCache(files, transform, size, size);
    }

    /// <summary>The file of every sample, in sample order.</summary>
    public IReadOnlyList<string> Files => _files;

    public int Count => _files.Length;
    public abstract int ClassCount { get; }
    public int Channels => 3;
    public int Height { get; }
    public int Width { get; }

    public int Label(int i) => _labels[i];

    /// <summary>The transformed image of sample <paramref name="i"/> (decoded on first use).</summary>
    public Image GetImage(int i) => _cache.Get(i);

    /// <exception cref="ImageFormatException">The sample's file cannot be decoded; the message names it.</exception>
    public void CopyImage(int i, Span<float> dst) => _cache.CopyImage(i, dst);
}
