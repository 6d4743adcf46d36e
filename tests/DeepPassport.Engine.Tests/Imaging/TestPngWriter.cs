using System.Buffers.Binary;
using System.IO.Compression;
using DeepPassport.Engine.Imaging;

namespace DeepPassport.Engine.Tests.Imaging;

/// <summary>
/// Test-only PNG writer for any colour type, bit depth and interlacing, from raw samples
/// (HWC, one int per sample at the file's bit depth). Row r of each pass uses filter r mod 5, so every
/// filter is exercised.
/// </summary>
internal static class TestPngWriter
{
    public static byte[] Write(int width, int height, PngColorType type, int depth, int[] samples,
        bool interlace = false, byte[]? plte = null, byte[]? trns = null)
    {
        int spp = type switch { PngColorType.Rgb => 3, PngColorType.GrayAlpha => 2, PngColorType.Rgba => 4, _ => 1 };
        Assert.Equal(width * height * spp, samples.Length);
        var raw = new MemoryStream();
        var passes = interlace ? PngHeader.Adam7 : [(0, 0, 1, 1)];
        foreach (var (x0, y0, dx, dy) in passes)
        {
            int w = PngHeader.PassSize(width, x0, dx), h = PngHeader.PassSize(height, y0, dy);
            if (w == 0 || h == 0) continue;
            int rowBytes = (w * spp * depth + 7) / 8;
            var prev = new byte[rowBytes];
            for (int r = 0; r < h; r++)
            {
                var row = new byte[rowBytes];
                for (int i = 0; i < w; i++)
                    for (int s = 0; s < spp; s++)
                        Put(row, i * spp + s, depth, samples[(((y0 + r * dy) * width) + x0 + i * dx) * spp + s]);
                int filter = r % 5;
                var filtered = new byte[rowBytes];
                PngFilters.Filter(filter, row, prev, Math.Max(1, spp * depth / 8), filtered);
                raw.WriteByte((byte)filter);
                raw.Write(filtered);
                prev = row;
            }
        }
        return Assemble(width, height, (byte)type, (byte)depth, interlace, Compress(raw.ToArray()), plte, trns);
    }

    public static byte[] Compress(byte[] raw)
    {
        var z = new MemoryStream();
        using (var s = new ZLibStream(z, CompressionLevel.Fastest, leaveOpen: true)) s.Write(raw);
        return z.ToArray();
    }

    /// <summary>Signature, IHDR with the given fields, optional PLTE / tRNS, one IDAT, IEND.</summary>
    public static byte[] Assemble(int width, int height, byte type, byte depth, bool interlace, byte[] idat,
        byte[]? plte = null, byte[]? trns = null)
    {
        var s = new MemoryStream();
        s.Write(PngChunks.Signature);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = depth; ihdr[9] = type; ihdr[12] = (byte)(interlace ? 1 : 0);
        PngEncoder.WriteChunk(s, "IHDR", ihdr);
        PngEncoder.WriteChunk(s, "tEXt", "Comment\0test"u8);
        if (plte is not null) PngEncoder.WriteChunk(s, "PLTE", plte);
        if (trns is not null) PngEncoder.WriteChunk(s, "tRNS", trns);
        PngEncoder.WriteChunk(s, "IDAT", idat);
        PngEncoder.WriteChunk(s, "IEND", []);
        return s.ToArray();
    }

    /// <summary>Recomputes every chunk's CRC, so that mutated bytes reach the decoder's deeper checks.</summary>
    public static void FixCrcs(byte[] png)
    {
        int pos = 8;
        while (pos + 12 <= png.Length)
        {
            long len = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos));
            if (len > png.Length - pos - 12) return;
            uint crc = Crc32.Compute(png.AsSpan(pos + 4, 4 + (int)len));
            BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(pos + 8 + (int)len), crc);
            pos += 12 + (int)len;
        }
    }

    private static void Put(byte[] row, int index, int depth, int value)
    {
        if (depth == 16) { row[2 * index] = (byte)(value >> 8); row[2 * index + 1] = (byte)value; return; }
        if (depth == 8) { row[index] = (byte)value; return; }
        int bit = index * depth;
        row[bit >> 3] |= (byte)(value << (8 - depth - (bit & 7)));
    }
}
