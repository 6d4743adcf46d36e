using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace DeepPassport.Engine.IO;

/// <summary>Moves tensor elements between a stream of little-endian bytes and .NET arrays, converting dtypes.</summary>
internal static class SafeTensorsPayload
{
    // Conversions go through a bounded scratch buffer so a large F64 tensor never needs a second full-size copy.
    private const int ChunkBytes = 1 << 16;

    public static float[] ReadFloats(Stream s, SafeTensorsEntry e)
    {
        var dst = new float[e.Count];
        if (e.DType == SafeTensorsDType.F32)
        {
            s.ReadExactly(MemoryMarshal.AsBytes(dst.AsSpan()));
            if (!BitConverter.IsLittleEndian) ReverseInPlace(MemoryMarshal.Cast<float, int>(dst.AsSpan()));
            return dst;
        }
        int size = SafeTensorsDTypes.ElementSize(e.DType);
        ReadChunked(s, e.Count, size, (bytes, at) =>
        {
            for (int i = 0; i < bytes.Length / size; i++)
            {
                ReadOnlySpan<byte> b = bytes.Slice(i * size, size);
                dst[at + i] = e.DType switch
                {
                    SafeTensorsDType.F64 => (float)BinaryPrimitives.ReadDoubleLittleEndian(b),
                    SafeTensorsDType.F16 => (float)BinaryPrimitives.ReadHalfLittleEndian(b),
                    // bfloat16 is the upper half of a float32's bits.
                    _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b) << 16),
                };
            }
        });
        return dst;
    }

    public static long[] ReadInt64(Stream s, SafeTensorsEntry e)
    {
        var dst = new long[e.Count];
        if (e.DType == SafeTensorsDType.I64)
        {
            s.ReadExactly(MemoryMarshal.AsBytes(dst.AsSpan()));
            if (!BitConverter.IsLittleEndian) ReverseInPlace(dst.AsSpan());
            return dst;
        }
        ReadChunked(s, e.Count, 4, (bytes, at) =>
        {
            for (int i = 0; i < bytes.Length / 4; i++) dst[at + i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(i * 4, 4));
        });
        return dst;
    }

    public static void WriteFloats(Stream s, ReadOnlySpan<float> data)
    {
        if (BitConverter.IsLittleEndian) { s.Write(MemoryMarshal.AsBytes(data)); return; }
        Span<byte> b = stackalloc byte[4];
        foreach (float v in data) { BinaryPrimitives.WriteSingleLittleEndian(b, v); s.Write(b); }
    }

    public static void WriteInt64(Stream s, ReadOnlySpan<long> data)
    {
        if (BitConverter.IsLittleEndian) { s.Write(MemoryMarshal.AsBytes(data)); return; }
        Span<byte> b = stackalloc byte[8];
        foreach (long v in data) { BinaryPrimitives.WriteInt64LittleEndian(b, v); s.Write(b); }
    }

    private delegate void ChunkConverter(ReadOnlySpan<byte> bytes, int firstElement);

    private static void ReadChunked(Stream s, long count, int elementSize, ChunkConverter convert)
    {
        byte[] buffer = new byte[ChunkBytes];
        int perChunk = ChunkBytes / elementSize;
        for (long done = 0; done < count;)
        {
            int n = (int)Math.Min(perChunk, count - done);
            Span<byte> chunk = buffer.AsSpan(0, n * elementSize);
            s.ReadExactly(chunk);
            convert(chunk, (int)done);
            done += n;
        }
    }

    private static void ReverseInPlace(Span<int> v) => BinaryPrimitives.ReverseEndianness(v, v);

    private static void ReverseInPlace(Span<long> v) => BinaryPrimitives.ReverseEndianness(v, v);
}
