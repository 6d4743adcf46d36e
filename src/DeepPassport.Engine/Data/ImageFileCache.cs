using DeepPassport.Engine.Imaging;

namespace DeepPassport.Engine.Data;

/// <summary>
/// Image files decoded lazily, on first use, through <see cref="ImageFile.Read"/> and a fixed transform; the
/// transformed (small) image is kept, so each file is decoded once. Safe to use from several threads: a race
/// only decodes a file twice.
/// </summary>
internal sealed class ImageFileCache
{
    private readonly IReadOnlyList<string> _files;
    private readonly Func<Image, Image> _transform;
    private readonly Image?[] _cache;
    private readonly int _width, _height;

    /// <param name="files">The files, in sample order.</param>
    /// <param name="transform">Maps a decoded RGB image to <paramref name="width"/> x <paramref name="height"/>.</param>
    public ImageFileCache(IReadOnlyList<string> files, Func<Image, Image> transform, int width, int height)
    {
        _files = files;
        _transform = transform;
        _width = width;
        _height = height;
        _cache = new Image?[files.Count];
    }

    /// <summary>The transformed RGB image of file <paramref name="i"/>.</summary>
    /// <exception cref="ImageFormatException">The file cannot be read or decoded (the message names it).</exception>
    public Image Get(int i)
    {
        Image? img = Volatile.Read(ref _cache[i]);
        if (img is not null) return img;
        string path = _files[i];
        Image decoded;
        try { decoded = ImageFile.Read(path); }
        catch (Exception e) when (e is IOException and not ImageFormatException || e is UnauthorizedAccessException)
        {
            throw new ImageFormatException(path, $"the file cannot be read ({e.Message})", e);
        }
        img = _transform(ImageOps.ToRgb(decoded));
        if (img.Width != _width || img.Height != _height || img.Channels != 3)
            throw new InvalidOperationException($"Transform of '{path}' gave {img.Width}x{img.Height}x{img.Channels}, expected {_width}x{_height}x3.");
        Volatile.Write(ref _cache[i], img);
        return img;
    }

    /// <summary>Writes file <paramref name="i"/> as CHW floats in [0, 1].</summary>
    public void CopyImage(int i, Span<float> dst) => ImageTensor.CopyChw(Get(i), dst);

    /// <summary>Image files (by <see cref="ImageFile.Extensions"/>) directly in <paramref name="folder"/>, sorted by name in ordinal order.</summary>
    public static string[] ListImages(string folder) =>
        Directory.EnumerateFiles(folder)
            .Where(ImageFile.HasImageExtension)
            .OrderBy(Path.GetFileName, StringComparer.Ordinal)
            .ToArray();
}
