using System.Buffers;
using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace DeepPassport.Engine.IO;

/// <summary>Lays out and writes the header and data section of a safetensors file.</summary>
internal static class SafeTensorsWriter
{
    private sealed record Item(string Name, string DType, int[] Shape, long Bytes, float[]? Floats, long[]? Longs);

    public static void Write(Stream stream, SafeTensorsFile file)
    {
        List<Item> items = Collect(file);
        byte[] header = Header(items, file.Metadata);

        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        foreach (Item item in items)
        {
            if (item.Floats is not null) SafeTensorsPayload.WriteFloats(stream, item.Floats);
            else SafeTensorsPayload.WriteInt64(stream, item.Longs!);
        }
    }

    private static List<Item> Collect(SafeTensorsFile file)
    {
        var items = new List<Item>();
        foreach ((string name, Tensors.Tensor t) in file.Tensors)
        {
            CheckName(name);
            items.Add(new Item(name, "F32", t.Shape, 4L * t.Size, t.Data, null));
        }
        foreach ((string name, Int64Tensor t) in file.Int64)
        {
            CheckName(name);
            if (file.Tensors.ContainsKey(name))
                throw new ArgumentException($"Tensor name '{name}' is used both as a float and as an Int64 tensor.", nameof(file));
            long n = Tensors.Tensor.ShapeSize(t.Shape);
            if (n != t.Data.Length)
                throw new ArgumentException($"Int64 tensor '{name}' has {t.Data.Length} elements but shape [{string.Join(", ", t.Shape)}] needs {n}.", nameof(file));
            items.Add(new Item(name, "I64", t.Shape, 8L * t.Data.Length, null, t.Data));
        }
        items.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return items;
    }

    private static void CheckName(string name)
    {
        if (name == SafeTensorsHeader.MetadataKey)
            throw new ArgumentException($"'{SafeTensorsHeader.MetadataKey}' is reserved and cannot name a tensor.");
    }

    private static byte[] Header(List<Item> items, Dictionary<string, string> metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        // Relaxed escaping keeps names readable; the file is never embedded in HTML.
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (metadata.Count > 0)
            {
                w.WriteStartObject(SafeTensorsHeader.MetadataKey);
                foreach (KeyValuePair<string, string> kv in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    w.WriteString(kv.Key, kv.Value);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (Item item in items)
            {
                w.WriteStartObject(item.Name);
                w.WriteString("dtype", item.DType);
                w.WriteStartArray("shape");
                foreach (int d in item.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + item.Bytes);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += item.Bytes;
            }
            w.WriteEndObject();
        }
        // Pad with spaces (valid JSON whitespace) so the data section is 8-byte aligned: 8 + N = 0 mod 8.
        int padded = (buffer.WrittenCount + 7) / 8 * 8;
        byte[] header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }
}
