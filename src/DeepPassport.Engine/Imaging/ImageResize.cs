namespace DeepPassport.Engine.Imaging;

/// <summary>
/// Resizing. <see cref="Bilinear"/> reproduces Pillow's <c>Image.resize(..., BILINEAR)</c>, which is what
/// torchvision's <c>Resize</c> runs on PIL images: separable, width first then height, each pass rounded to
/// 8 bits, with the filter widened when downscaling (antialias).
/// </summary>
public static class ImageResize
{
    /// <summary>Pillow-style bilinear resize to <paramref name="width"/> x <paramref name="height"/>; see <see cref="ResampleCoefficients.Bilinear"/>.</summary>
    public static Image Bilinear(Image src, int width, int height) =>
        Resample(src, width, height, ResampleCoefficients.Bilinear);

    /// <summary>Box-average resize: each output pixel is the area-weighted mean of the input pixels it covers.</summary>
    public static Image Area(Image src, int width, int height) =>
        Resample(src, width, height, ResampleCoefficients.Area);

    /// <summary>
    /// torchvision's <c>Resize(size)</c> with one int: the shorter side becomes <paramref name="size"/>, the
    /// longer int(size * long / short) (truncated, as Python's <c>int()</c>), bilinear.
    /// </summary>
    public static Image ShorterSide(Image src, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        bool portrait = src.Width <= src.Height;
        int shortSide = portrait ? src.Width : src.Height, longSide = portrait ? src.Height : src.Width;
        int newLong = (int)((double)((long)size * longSide) / shortSide);
        return portrait ? Bilinear(src, size, newLong) : Bilinear(src, newLong, size);
    }

    private static Image Resample(Image src, int width, int height, Func<int, int, ResampleCoefficients> kernel)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"Target size {width}x{height} must be positive.");
        Image img = src;
        if (width != src.Width) img = Horizontal(img, width, kernel(src.Width, width));
        if (height != src.Height) img = Vertical(img, height, kernel(src.Height, height));
        return ReferenceEquals(img, src) ? new Image(src.Width, src.Height, src.Channels, (byte[])src.Pixels.Clone()) : img;
    }

    private static Image Horizontal(Image src, int width, ResampleCoefficients k)
    {
        int ch = src.Channels;
        var dst = new Image(width, src.Height, ch);
        for (int y = 0; y < src.Height; y++)
        {
            ReadOnlySpan<byte> row = src.Pixels.AsSpan(y * src.Width * ch, src.Width * ch);
            for (int x = 0; x < width; x++)
                for (int c = 0; c < ch; c++)
                    dst.Pixels[(y * width + x) * ch + c] = k.Apply(x, row, k.Start[x] * ch + c, ch);
        }
        return dst;
    }

    private static Image Vertical(Image src, int height, ResampleCoefficients k)
    {
        int rowLen = src.Width * src.Channels;
        var dst = new Image(src.Width, height, src.Channels);
        for (int y = 0; y < height; y++)
            for (int i = 0; i < rowLen; i++)
                dst.Pixels[y * rowLen + i] = k.Apply(y, src.Pixels, k.Start[y] * rowLen + i, rowLen);
        return dst;
    }
}
