using System.Buffers.Binary;
using System.Text;

namespace DeepPassport.Engine.Imaging;

/// <summary>One PNG chunk: its four-letter type and where its data lies in the file.</summary>
internal readonly record struct PngChunk(string Type, int Offset, int Length)
{
    /// <summary>Critical chunks have an upper-case first letter (bit 5 of the first byte clear).</summary>
    public bool IsCritical => char.IsAsciiLetterUpper(Type[0]);
}

/// <summary>Splits PNG bytes into chunks, checking the signature, the lengths and every CRC.</summary>
internal static class PngChunks
{
    /// <summary>The eight bytes every PNG starts with.</summary>
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static bool HasSignature(ReadOnlySpan<byte> data) => data.StartsWith(Signature);

    /// <summary>The chunks after the signature, up to and including IEND; errors name the offending chunk.</summary>
    public static IEnumerable<PngChunk> Read(byte[] data, string name)
    {
        if (!HasSignature(data)) throw new ImageFormatException(name, "not a PNG file (bad signature)");
        int pos = Signature.Length;
        while (true)
        {
            // Each chunk: 4-byte big-endian length, 4-byte type, data, 4-byte CRC over type and data.
            if (data.Length - pos < 12)
                throw new ImageFormatException(name, $"file is truncated at byte {pos}: no IEND chunk");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(pos));
            ReadOnlySpan<byte> typeBytes = data.AsSpan(pos + 4, 4);
            foreach (byte b in typeBytes)
                if (!char.IsAsciiLetter((char)b))
                    throw new ImageFormatException(name, $"chunk at byte {pos} has an invalid type {Convert.ToHexString(typeBytes)}");
            string type = Encoding.ASCII.GetString(typeBytes);
            if (length > int.MaxValue || length > data.Length - pos - 12)
                throw new ImageFormatException(name, $"{type} chunk at byte {pos} claims {length} bytes but the file is truncated");
            int offset = pos + 8, len = (int)length;
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(offset + len));
            uint actual = Crc32.Compute(typeBytes, data.AsSpan(offset, len));
            if (stored != actual)
                throw new ImageFormatException(name, $"{type} chunk at byte {pos} has a bad CRC (stored {stored:X8}, computed {actual:X8})");
            yield return new PngChunk(type, offset, len);
            if (type == "IEND") yield break;
            pos = offset + len + 4;
        }
    }
}
