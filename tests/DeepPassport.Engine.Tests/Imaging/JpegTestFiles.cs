namespace DeepPassport.Engine.Tests.Imaging;

/// <summary>Byte-level helpers that build variants of a JPEG for tests: find a marker, insert or patch segments.</summary>
internal static class JpegTestFiles
{
    /// <summary>Offset of the first marker <paramref name="code"/> (the 0xFF byte) before the first scan, or -1.</summary>
    public static int FindMarker(byte[] jpeg, int code)
    {
        for (int i = 2; i + 3 < jpeg.Length;)
        {
            if (jpeg[i] != 0xFF) return -1;
            if (jpeg[i + 1] == code) return i;
            if (jpeg[i + 1] == 0xDA) return -1;
            i += 2 + ((jpeg[i + 2] << 8) | jpeg[i + 3]);
        }
        return -1;
    }

    /// <summary>A copy with an APP1 Exif segment holding only the orientation tag, inserted right after SOI.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, int orientation, bool bigEndian)
    {
        var tiff = new List<byte>();
        void U16(int v) { if (bigEndian) { tiff.Add((byte)(v >> 8)); tiff.Add((byte)v); } else { tiff.Add((byte)v); tiff.Add((byte)(v >> 8)); } }
        void U32(int v) { if (bigEndian) { U16(v >> 16); U16(v & 0xFFFF); } else { U16(v & 0xFFFF); U16(v >> 16); } }
        tiff.AddRange(bigEndian ? "MM"u8.ToArray() : "II"u8.ToArray());
        U16(42); U32(8);           // TIFF header, IFD0 at offset 8
        U16(1);                    // one entry
        U16(0x0112); U16(3); U32(1); U16(orientation); U16(0); // orientation, SHORT, count 1, value padded to 4 bytes
        U32(0);                    // no next IFD
        byte[] payload = [.. "Exif\0\0"u8.ToArray(), .. tiff];
        int length = payload.Length + 2;
        byte[] segment = [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload];
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    /// <summary>
    /// A copy whose frame header claims only the first <paramref name="height"/> lines: a decoder reads just the
    /// start of each scan and skips the rest of its data as extraneous bytes, so the file decodes much faster.
    /// </summary>
    public static byte[] WithFrameHeight(byte[] jpeg, int height)
    {
        int sof = new[] { 0xC0, 0xC1, 0xC2 }.Select(c => FindMarker(jpeg, c)).First(i => i >= 0);
        int width = (jpeg[sof + 7] << 8) | jpeg[sof + 8];
        return WithFrameSize(jpeg, width, height);
    }

    /// <summary>A copy whose frame header (SOF0/1/2) claims <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static byte[] WithFrameSize(byte[] jpeg, int width, int height)
    {
        byte[] copy = (byte[])jpeg.Clone();
        int sof = new[] { 0xC0, 0xC1, 0xC2 }.Select(c => FindMarker(copy, c)).First(i => i >= 0);
        copy[sof + 5] = (byte)(height >> 8); copy[sof + 6] = (byte)height;
        copy[sof + 7] = (byte)(width >> 8); copy[sof + 8] = (byte)width;
        return copy;
    }
}
