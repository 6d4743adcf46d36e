using System.IO.Compression;

namespace DeepPassport.Engine.Imaging;

/// <summary>Decodes a whole PNG held in memory; see <see cref="Png.Decode(byte[], string)"/> for the rules.</summary>
internal static class PngDecoder
{
    public static Image Decode(byte[] data, string name)
    {
        PngHeader? header = null;
        byte[]? palette = null;
        var idat = new List<PngChunk>();
        bool idatClosed = false;
        foreach (PngChunk chunk in PngChunks.Read(data, name))
        {
            ReadOnlySpan<byte> body = data.AsSpan(chunk.Offset, chunk.Length);
            if (header is null && chunk.Type != "IHDR") throw new ImageFormatException(name, $"first chunk is {chunk.Type}, expected IHDR");
            if (idat.Count > 0 && chunk.Type != "IDAT") idatClosed = true;
            switch (chunk.Type)
            {
                case "IHDR":
                    if (header is not null) throw new ImageFormatException(name, "second IHDR chunk");
                    header = PngHeader.Parse(body, name);
                    break;
                case "PLTE":
                    palette = ReadPalette(header!.Value, body, palette, idat.Count > 0, name);
                    break;
                case "tRNS":
                    // Transparency is validated but not used: alpha is dropped (see Png.Decode).
                    CheckTransparency(header!.Value, body, palette, idat.Count > 0, name);
                    break;
                case "IDAT":
                    if (idatClosed) throw new ImageFormatException(name, "IDAT chunks are not consecutive");
                    idat.Add(chunk);
                    break;
                case "IEND":
                    break;
                default:
                    if (chunk.IsCritical) throw new ImageFormatException(name, $"unknown critical chunk {chunk.Type}");
                    break; // ancillary chunks (text, gamma, ...) are skipped
            }
        }
        PngHeader h = header!.Value;
        if (idat.Count == 0) throw new ImageFormatException(name, "no IDAT chunk");
        if (h.ColorType == PngColorType.Palette && palette is null) throw new ImageFormatException(name, "palette image without a PLTE chunk");
        byte[] raw = Inflate(data, idat, h.RawSize(), name);
        return Reconstruct(h, raw, palette, name);
    }

    private static byte[] ReadPalette(in PngHeader h, ReadOnlySpan<byte> body, byte[]? previous, bool afterData, string name)
    {
        if (previous is not null) throw new ImageFormatException(name, "second PLTE chunk");
        if (afterData) throw new ImageFormatException(name, "PLTE chunk after IDAT");
        if (h.ColorType is PngColorType.Gray or PngColorType.GrayAlpha) throw new ImageFormatException(name, "PLTE chunk in a gray image");
        if (body.Length == 0 || body.Length % 3 != 0 || body.Length > 3 * 256)
            throw new ImageFormatException(name, $"PLTE chunk has {body.Length} bytes, expected 3 to 768 in steps of 3");
        return body.ToArray();
    }

    private static void CheckTransparency(in PngHeader h, ReadOnlySpan<byte> body, byte[]? palette, bool afterData, string name)
    {
        if (afterData) throw new ImageFormatException(name, "tRNS chunk after IDAT");
        int expected = h.ColorType switch
        {
            PngColorType.Gray => 2,
            PngColorType.Rgb => 6,
            PngColorType.Palette => palette is null
                ? throw new ImageFormatException(name, "tRNS chunk before PLTE")
                : Math.Min(body.Length, palette.Length / 3),
            _ => throw new ImageFormatException(name, "tRNS chunk in an image that already has alpha"),
        };
        if (body.Length != expected) throw new ImageFormatException(name, $"tRNS chunk has {body.Length} bytes, expected {expected}");
    }

    /// <summary>
    /// Inflates exactly <paramref name="size"/> bytes from the concatenated IDAT data, never more. The buffer
    /// grows by doubling as data arrives, so a small file whose header claims a huge image fails on its short
    /// data before gigabytes are allocated.
    /// </summary>
    private static byte[] Inflate(byte[] data, List<PngChunk> idat, long size, string name)
    {
        var compressed = new MemoryStream(idat.Sum(c => c.Length));
        foreach (PngChunk c in idat) compressed.Write(data, c.Offset, c.Length);
        compressed.Position = 0;
        var raw = new byte[Math.Min(size, 1 << 16)];
        int got = 0;
        try
        {
            using var z = new ZLibStream(compressed, CompressionMode.Decompress);
            while (got < size)
            {
                if (got == raw.Length) Array.Resize(ref raw, (int)Math.Min(size, 2L * raw.Length));
                int n = z.Read(raw, got, raw.Length - got);
                if (n == 0) break;
                got += n;
            }
        }
        catch (InvalidDataException e)
        {
            throw new ImageFormatException(name, "image data is not a valid zlib stream", e);
        }
        if (got < size) throw new ImageFormatException(name, $"image data ends after {got} of {size} bytes");
        return raw;
    }

    private static Image Reconstruct(in PngHeader h, byte[] raw, byte[]? palette, string name)
    {
        var image = new Image(h.Width, h.Height, PngPixels.OutputChannels(h.ColorType));
        int entries = palette is null ? 0 : palette.Length / 3;
        int pos = 0;
        var passes = h.Interlaced ? PngHeader.Adam7 : [(0, 0, 1, 1)];
        foreach (var (x0, y0, dx, dy) in passes)
        {
            int w = PngHeader.PassSize(h.Width, x0, dx), rows = PngHeader.PassSize(h.Height, y0, dy);
            if (w == 0 || rows == 0) continue;
            int rowBytes = (int)h.RowBytes(w);
            // The row above the first row of each pass counts as zeros.
            Span<byte> prev = new byte[rowBytes];
            for (int r = 0; r < rows; r++)
            {
                int filter = raw[pos];
                Span<byte> row = raw.AsSpan(pos + 1, rowBytes);
                if (!PngFilters.Unfilter(filter, row, prev, h.FilterStride))
                    throw new ImageFormatException(name, $"row {r} uses unknown filter type {filter}");
                PngPixels.ConvertRow(h, row, w, palette, entries, image, y0 + r * dy, x0, dx, name);
                prev = row;
                pos += 1 + rowBytes;
            }
        }
        return image;
    }
}
