namespace DeepPassport.Engine.Imaging;

/// <summary>
/// An 8-bit image: <see cref="Channels"/> = 1 (gray) or 3 (RGB), pixels interleaved row by row
/// (HWC: pixel (x, y) channel c is at <c>(y * Width + x) * Channels + c</c>).
/// </summary>
public sealed class Image
{
    /// <summary>Images larger than this many pixels are refused by every decoder (a hostile header cannot make us allocate gigabytes).</summary>
    public const long MaxPixels = 1L << 28;

    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }
    public byte[] Pixels { get; }

    public Image(int width, int height, int channels, byte[]? pixels = null)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"Image size {width}x{height} must be positive.");
        if (channels is not (1 or 3)) throw new ArgumentException($"Images have 1 (gray) or 3 (RGB) channels, not {channels}.");
        if ((long)width * height > MaxPixels) throw new ArgumentException($"Image of {width}x{height} pixels is larger than the limit of {MaxPixels} pixels.");
        long size = (long)width * height * channels;
        if (pixels is not null && pixels.Length != size) throw new ArgumentException($"{pixels.Length} bytes for a {width}x{height}x{channels} image, expected {size}.");
        Width = width; Height = height; Channels = channels;
        Pixels = pixels ?? new byte[size];
    }

    public byte this[int x, int y, int c]
    {
        get => Pixels[(y * Width + x) * Channels + c];
        set => Pixels[(y * Width + x) * Channels + c] = value;
    }
}
