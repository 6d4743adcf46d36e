namespace DeepPassport.Engine.Imaging;

/// <summary>
/// The EXIF orientation tag (0x0112 in IFD0 of the APP1 TIFF structure) and the transform that shows the image
/// upright. Values: 1 normal, 2 mirrored left-right, 3 rotated 180, 4 mirrored top-bottom, 5 transposed,
/// 6 needs a 90 degree clockwise turn, 7 transversed, 8 needs a 90 degree counter-clockwise turn.
/// </summary>
public static class ExifOrientation
{
    /// <summary>
    /// Reads the orientation from a TIFF structure (the APP1 payload after "Exif\0\0").
    /// Returns 1 when the tag is absent or anything about it is malformed: orientation is a hint, not image data.
    /// </summary>
    public static int Read(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8) return 1;
        bool little;
        if (tiff[0] == 'I' && tiff[1] == 'I') little = true;
        else if (tiff[0] == 'M' && tiff[1] == 'M') little = false;
        else return 1;
        if (U16(tiff, 2, little) != 42) return 1;
        long ifd = U32(tiff, 4, little);
        if (ifd < 8 || ifd + 2 > tiff.Length) return 1;
        int count = U16(tiff, (int)ifd, little);
        for (int i = 0; i < count; i++)
        {
            long entry = ifd + 2 + 12L * i;
            if (entry + 12 > tiff.Length) return 1;
            int e = (int)entry;
            // Entry: tag(2) type(2) count(4) value(4); a SHORT (type 3) value sits in the first 2 value bytes.
            if (U16(tiff, e, little) != 0x0112) continue;
            if (U16(tiff, e + 2, little) != 3) return 1;
            int value = U16(tiff, e + 8, little);
            return value is >= 1 and <= 8 ? value : 1;
        }
        return 1;
    }

    /// <summary>Returns <paramref name="image"/> transformed so that it is upright for <paramref name="orientation"/> (1 returns it as is).</summary>
    public static Image Apply(Image image, int orientation)
    {
        if (orientation is < 2 or > 8) return image;
        int w = image.Width, h = image.Height, ch = image.Channels;
        bool swap = orientation >= 5; // 5..8 exchange width and height
        int ow = swap ? h : w, oh = swap ? w : h;
        var dst = new byte[image.Pixels.Length];
        var src = image.Pixels;
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++)
            {
                // (sx, sy): the stored pixel that appears at (x, y) of the upright image.
                (int sx, int sy) = orientation switch
                {
                    2 => (w - 1 - x, y),
                    3 => (w - 1 - x, h - 1 - y),
                    4 => (x, h - 1 - y),
                    5 => (y, x),
                    6 => (y, h - 1 - x),
                    7 => (w - 1 - y, h - 1 - x),
                    _ => (w - 1 - y, x), // 8
                };
                int s = (sy * w + sx) * ch, d = (y * ow + x) * ch;
                for (int c = 0; c < ch; c++) dst[d + c] = src[s + c];
            }
        return new Image(ow, oh, ch, dst);
    }

    private static int U16(ReadOnlySpan<byte> b, int at, bool little) =>
        little ? b[at] | (b[at + 1] << 8) : (b[at] << 8) | b[at + 1];

    private static long U32(ReadOnlySpan<byte> b, int at, bool little) =>
        little ? (uint)(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24))
               : (uint)((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]);
}
