using System.Text.Json;
using System.Text.Unicode;

namespace DeepPassport.Engine.IO;

/// <summary>Parses and validates the JSON header of a safetensors file against the size of its data section.</summary>
internal static class SafeTensorsHeader
{
    public const string MetadataKey = "__metadata__";

    /// <summary>
    /// Returns the entries sorted by their begin offset, having checked that every range lies inside the data
    /// section, matches shape x element size, and overlaps no other range.
    /// </summary>
    public static List<SafeTensorsEntry> Parse(ReadOnlySpan<byte> json, long dataLength, string file, Dictionary<string, string> metadata)
    {
        // JsonDocument checks UTF-8 only when a string is materialised, which would fail later with the wrong exception.
        if (!Utf8.IsValid(json))
            throw new SafeTensorsFormatException(file, "header is not valid UTF-8");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException(file, $"header is not valid JSON ({e.Message})", e);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new SafeTensorsFormatException(file, $"header must be a JSON object, found {doc.RootElement.ValueKind}");

            var entries = new List<SafeTensorsEntry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty p in doc.RootElement.EnumerateObject())
            {
                // JsonDocument keeps duplicate keys; a second definition of a name would silently win otherwise.
                if (!seen.Add(p.Name)) throw new SafeTensorsFormatException(file, $"header defines '{p.Name}' twice");
                if (p.Name == MetadataKey) ReadMetadata(p.Value, file, metadata);
                else entries.Add(ReadEntry(p.Name, p.Value, dataLength, file));
            }

            entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            CheckNoOverlap(entries, file);
            return entries;
        }
    }

    private static void ReadMetadata(JsonElement value, string file, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafeTensorsFormatException(file, $"'{MetadataKey}' must be an object of strings, found {value.ValueKind}");
        foreach (JsonProperty m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
                throw new SafeTensorsFormatException(file, $"metadata '{m.Name}' must be a string, found {m.Value.ValueKind}");
            if (!metadata.TryAdd(m.Name, m.Value.GetString()!))
                throw new SafeTensorsFormatException(file, $"metadata key '{m.Name}' appears twice");
        }
    }

    private static SafeTensorsEntry ReadEntry(string name, JsonElement value, long dataLength, string file)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafeTensorsFormatException(file, $"tensor '{name}': entry must be an object, found {value.ValueKind}");
        JsonElement? dtypeEl = null, shapeEl = null, offsetsEl = null;
        foreach (JsonProperty f in value.EnumerateObject())
        {
            switch (f.Name)
            {
                case "dtype" when dtypeEl is null: dtypeEl = f.Value; break;
                case "shape" when shapeEl is null: shapeEl = f.Value; break;
                case "data_offsets" when offsetsEl is null: offsetsEl = f.Value; break;
                default: throw new SafeTensorsFormatException(file, $"tensor '{name}': unexpected or repeated key '{f.Name}'");
            }
        }
        if (dtypeEl is null) throw Missing(file, name, "dtype");
        if (shapeEl is null) throw Missing(file, name, "shape");
        if (offsetsEl is null) throw Missing(file, name, "data_offsets");

        if (dtypeEl.Value.ValueKind != JsonValueKind.String)
            throw new SafeTensorsFormatException(file, $"tensor '{name}': dtype must be a string");
        string dtypeText = dtypeEl.Value.GetString()!;
        if (!SafeTensorsDTypes.TryParse(dtypeText, out SafeTensorsDType dtype))
            throw new SafeTensorsFormatException(file, $"tensor '{name}': unsupported dtype '{dtypeText}' (supported: F32, F64, F16, BF16, I64, I32)");

        int[] shape = ReadShape(name, shapeEl.Value, file);
        long count = ElementCount(name, shape, file);
        (long begin, long end) = ReadOffsets(name, offsetsEl.Value, file);

        if (end > dataLength)
            throw new SafeTensorsFormatException(file, $"tensor '{name}': data_offsets [{begin}, {end}] extend beyond the data section of {dataLength} bytes (file truncated?)");
        long expected = count * SafeTensorsDTypes.ElementSize(dtype);
        if (end - begin != expected)
            throw new SafeTensorsFormatException(file, $"tensor '{name}': data_offsets [{begin}, {end}] span {end - begin} bytes but {dtypeText} shape [{string.Join(", ", shape)}] needs {expected}");
        return new SafeTensorsEntry(name, dtype, shape, count, begin, end);
    }

    private static int[] ReadShape(string name, JsonElement el, string file)
    {
        if (el.ValueKind != JsonValueKind.Array)
            throw new SafeTensorsFormatException(file, $"tensor '{name}': shape must be an array");
        var shape = new int[el.GetArrayLength()];
        int i = 0;
        foreach (JsonElement d in el.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long v))
                throw new SafeTensorsFormatException(file, $"tensor '{name}': shape entry {i} is not an integer");
            if (v < 0) throw new SafeTensorsFormatException(file, $"tensor '{name}': negative dimension {v} in shape");
            if (v > int.MaxValue) throw new SafeTensorsFormatException(file, $"tensor '{name}': dimension {v} is too large");
            shape[i++] = (int)v;
        }
        return shape;
    }

    private static long ElementCount(string name, int[] shape, string file)
    {
        // The tensor must fit one .NET array; stop multiplying before a long could overflow.
        if (Array.IndexOf(shape, 0) >= 0) return 0;
        long n = 1;
        foreach (int d in shape)
        {
            n *= d;
            if (n > Array.MaxLength)
                throw new SafeTensorsFormatException(file, $"tensor '{name}': shape [{string.Join(", ", shape)}] has more elements than one array can hold");
        }
        return n;
    }

    private static (long Begin, long End) ReadOffsets(string name, JsonElement el, string file)
    {
        if (el.ValueKind != JsonValueKind.Array || el.GetArrayLength() != 2)
            throw new SafeTensorsFormatException(file, $"tensor '{name}': data_offsets must be an array [begin, end]");
        JsonElement b = el[0], e = el[1];
        if (b.ValueKind != JsonValueKind.Number || !b.TryGetInt64(out long begin) ||
            e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out long end))
            throw new SafeTensorsFormatException(file, $"tensor '{name}': data_offsets must be two integers");
        if (begin < 0 || end < begin)
            throw new SafeTensorsFormatException(file, $"tensor '{name}': data_offsets [{begin}, {end}] are not an increasing pair of non-negative integers");
        return (begin, end);
    }

    private static void CheckNoOverlap(List<SafeTensorsEntry> sorted, string file)
    {
        SafeTensorsEntry? previous = null;
        foreach (SafeTensorsEntry e in sorted)
        {
            if (e.Begin == e.End) continue; // an empty tensor occupies no bytes
            if (previous is not null && e.Begin < previous.End)
                throw new SafeTensorsFormatException(file, $"tensors '{previous.Name}' [{previous.Begin}, {previous.End}] and '{e.Name}' [{e.Begin}, {e.End}] overlap");
            previous = e;
        }
    }

    private static SafeTensorsFormatException Missing(string file, string name, string key) =>
        new(file, $"tensor '{name}': missing key '{key}'");
}
