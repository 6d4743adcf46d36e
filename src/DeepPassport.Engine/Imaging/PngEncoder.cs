using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace DeepPassport.Engine.Imaging;

/// <summary>Writes 8-bit gray or RGB PNGs, non-interlaced; see <see cref="Png.Encode"/>.</summary>
internal static class PngEncoder
{
    public static byte[] Encode(Image image, CompressionLevel level)
    {
        int stride = image.Channels, rowBytes = image.Width * stride;
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, level, leaveOpen: true))
        {
            var prev = new byte[rowBytes];
            var best = new byte[rowBytes + 1];
            var trial = new byte[rowBytes];
            for (int y = 0; y < image.Height; y++)
            {
                ReadOnlySpan<byte> raw = image.Pixels.AsSpan(y * rowBytes, rowBytes);
                ChooseFilter(raw, prev, stride, best, trial);
                z.Write(best);
                raw.CopyTo(prev);
            }
        }

        var output = new MemoryStream();
        output.Write(PngChunks.Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], image.Height);
        ihdr[8] = 8;                                    // bit depth
        ihdr[9] = (byte)(image.Channels == 1 ? PngColorType.Gray : PngColorType.Rgb);
        ihdr[10] = ihdr[11] = ihdr[12] = 0;             // deflate, adaptive filtering, no interlace
        WriteChunk(output, "IHDR", ihdr);
        WriteChunk(output, "IDAT", compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>
    /// Picks the filter whose output has the smallest sum of |byte as signed| (the libpng heuristic: small
    /// residuals compress best) and writes the filter byte and filtered row to <paramref name="best"/>.
    /// </summary>
    private static void ChooseFilter(ReadOnlySpan<byte> raw, ReadOnlySpan<byte> prev, int stride, Span<byte> best, Span<byte> trial)
    {
        long bestSum = long.MaxValue;
        for (int type = 0; type < 5; type++)
        {
            PngFilters.Filter(type, raw, prev, stride, trial);
            long sum = 0;
            foreach (byte b in trial) sum += Math.Abs((int)(sbyte)b);
            if (sum >= bestSum) continue;
            bestSum = sum;
            best[0] = (byte)type;
            trial.CopyTo(best[1..]);
        }
    }

    /// <summary>Length, type, data, CRC-32 of type and data.</summary>
    internal static void WriteChunk(Stream s, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        s.Write(word);
        byte[] typeBytes = Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Compute(typeBytes, data));
        s.Write(word);
    }
}
