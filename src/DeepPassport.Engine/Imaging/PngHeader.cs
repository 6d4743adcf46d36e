using System.Buffers.Binary;

namespace DeepPassport.Engine.Imaging;

/// <summary>The validated contents of a PNG IHDR chunk and the sizes that follow from it.</summary>
internal readonly record struct PngHeader(int Width, int Height, int BitDepth, PngColorType ColorType, bool Interlaced)
{
    /// <summary>Adam7 passes: (x start, y start, x step, y step).</summary>
    public static readonly (int X0, int Y0, int Dx, int Dy)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    /// <summary>Samples per pixel: 1 gray / palette, 2 gray+alpha, 3 RGB, 4 RGBA.</summary>
    public int SamplesPerPixel => ColorType switch
    {
        PngColorType.Rgb => 3,
        PngColorType.GrayAlpha => 2,
        PngColorType.Rgba => 4,
        _ => 1,
    };

    public int BitsPerPixel => SamplesPerPixel * BitDepth;

    /// <summary>The filter's "bpp": bytes per complete pixel, rounded up to 1 for depths below 8.</summary>
    public int FilterStride => Math.Max(1, BitsPerPixel / 8);

    /// <summary>Bytes of one scan line of <paramref name="width"/> pixels, without the filter byte: ceil(width * bpp / 8).</summary>
    public long RowBytes(int width) => ((long)width * BitsPerPixel + 7) / 8;

    /// <summary>Pixels in a pass dimension: ceil((size - start) / step), 0 when the pass is empty.</summary>
    public static int PassSize(int size, int start, int step) => size <= start ? 0 : (size - start + step - 1) / step;

    /// <summary>Bytes of the decompressed image data: every row of every (non-empty) pass plus its filter byte.</summary>
    public long RawSize()
    {
        if (!Interlaced) return Height * (1 + RowBytes(Width));
        long total = 0;
        foreach (var (x0, y0, dx, dy) in Adam7)
        {
            int w = PassSize(Width, x0, dx), h = PassSize(Height, y0, dy);
            if (w > 0 && h > 0) total += h * (1 + RowBytes(w));
        }
        return total;
    }

    /// <summary>Parses and validates the 13 bytes of IHDR; refuses images over <see cref="Image.MaxPixels"/> before anything is allocated.</summary>
    public static PngHeader Parse(ReadOnlySpan<byte> data, string name)
    {
        if (data.Length != 13) throw new ImageFormatException(name, $"IHDR chunk has {data.Length} bytes, expected 13");
        uint w = BinaryPrimitives.ReadUInt32BigEndian(data), h = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        int depth = data[8], type = data[9];
        if (w == 0 || h == 0 || w > int.MaxValue || h > int.MaxValue)
            throw new ImageFormatException(name, $"IHDR gives an invalid size {w}x{h}");
        if ((long)w * h > Image.MaxPixels)
            throw new ImageFormatException(name, $"image of {w}x{h} pixels is larger than the limit of {Image.MaxPixels} pixels");
        bool depthOk = type switch
        {
            0 => depth is 1 or 2 or 4 or 8 or 16,
            3 => depth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => depth is 8 or 16,
            _ => throw new ImageFormatException(name, $"IHDR gives an unknown colour type {type}"),
        };
        if (!depthOk) throw new ImageFormatException(name, $"IHDR gives bit depth {depth}, not allowed for colour type {type}");
        if (data[10] != 0) throw new ImageFormatException(name, $"IHDR gives unknown compression method {data[10]}");
        if (data[11] != 0) throw new ImageFormatException(name, $"IHDR gives unknown filter method {data[11]}");
        if (data[12] > 1) throw new ImageFormatException(name, $"IHDR gives unknown interlace method {data[12]}");
        var header = new PngHeader((int)w, (int)h, depth, (PngColorType)type, data[12] == 1);
        // Rows are unfiltered in one buffer; .NET arrays stop at Array.MaxLength bytes.
        if (header.RawSize() > Array.MaxLength)
            throw new ImageFormatException(name, $"image data of a {w}x{h} {depth}-bit image is too large to decode");
        return header;
    }
}
