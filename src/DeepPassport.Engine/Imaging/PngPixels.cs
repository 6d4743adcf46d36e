namespace DeepPassport.Engine.Imaging;

/// <summary>
/// Converts unfiltered PNG scan lines to 8-bit gray or RGB pixels: 16-bit samples keep their high byte,
/// gray below 8 bits is scaled by 255 / (2^depth - 1), palette indices are looked up, alpha is dropped.
/// </summary>
internal static class PngPixels
{
    /// <summary>Output channels: 1 for gray and gray+alpha, 3 for RGB, RGBA and palette.</summary>
    public static int OutputChannels(PngColorType type) => type is PngColorType.Gray or PngColorType.GrayAlpha ? 1 : 3;

    /// <summary>
    /// Writes the <paramref name="count"/> pixels of <paramref name="row"/> to row <paramref name="y"/> of
    /// <paramref name="dst"/>, pixel i at column x0 + i * dx.
    /// </summary>
    public static void ConvertRow(in PngHeader h, ReadOnlySpan<byte> row, int count, byte[]? palette, int paletteEntries,
        Image dst, int y, int x0, int dx, string name)
    {
        byte[] px = dst.Pixels;
        int outC = dst.Channels, spp = h.SamplesPerPixel, depth = h.BitDepth;
        long rowStart = (long)y * dst.Width;
        for (int i = 0; i < count; i++)
        {
            int o = (int)((rowStart + x0 + (long)i * dx) * outC);
            if (h.ColorType == PngColorType.Palette)
            {
                int index = Sample(row, i, 0, 1, depth);
                if (index >= paletteEntries)
                    throw new ImageFormatException(name, $"palette index {index} is outside the {paletteEntries}-entry PLTE");
                px[o] = palette![3 * index]; px[o + 1] = palette[3 * index + 1]; px[o + 2] = palette[3 * index + 2];
            }
            else if (outC == 1)
            {
                int v = Sample(row, i, 0, spp, depth);
                // Scale 1, 2, 4-bit gray to the full 8-bit range: 1 -> 255, 3 -> 255, 15 -> 255.
                px[o] = depth < 8 ? (byte)(v * 255 / ((1 << depth) - 1)) : (byte)v;
            }
            else
            {
                for (int c = 0; c < 3; c++) px[o + c] = (byte)Sample(row, i, c, spp, depth);
            }
        }
    }

    /// <summary>Sample <paramref name="s"/> of pixel <paramref name="i"/>; for 16 bits only the high (first) byte.</summary>
    private static int Sample(ReadOnlySpan<byte> row, int i, int s, int spp, int depth)
    {
        switch (depth)
        {
            case 8: return row[i * spp + s];
            case 16: return row[(i * spp + s) * 2];
            default:
                // Packed most significant bits first; depth < 8 only occurs with one sample per pixel.
                int bit = i * depth, shift = 8 - depth - (bit & 7);
                return (row[bit >> 3] >> shift) & ((1 << depth) - 1);
        }
    }
}
