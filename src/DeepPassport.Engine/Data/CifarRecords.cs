namespace DeepPassport.Engine.Data;

/// <summary>
/// Reads files of CIFAR-style records into compact arrays: one label byte and 3072 pixel bytes per image,
/// kept as bytes (a float copy of CIFAR-10 would take four times the memory).
/// </summary>
public static class CifarRecords
{
    // Read many records per call so a 30 MB batch file is not read one 3 KB record at a time.
    private const int RecordsPerChunk = 1024;

    /// <summary>
    /// The number of records in <paramref name="path"/>. Throws <see cref="FileNotFoundException"/> if it is
    /// missing, <see cref="InvalidDataException"/> if it is empty or its size is not a multiple of the record size.
    /// </summary>
    public static int CountRecords(string path, CifarRecordFormat format)
    {
        format.Validate();
        if (!File.Exists(path)) throw new FileNotFoundException($"CIFAR records file not found: '{path}'.", path);
        long size = new FileInfo(path).Length;
        if (size == 0) throw new InvalidDataException($"CIFAR records file '{path}' is empty.");
        if (size % format.RecordBytes != 0)
            throw new InvalidDataException(
                $"CIFAR records file '{path}' has {size} bytes, not a multiple of the record size {format.RecordBytes} " +
                $"({format.LabelBytes} label byte(s) + {CifarRecordFormat.ImageBytes} pixel bytes); truncated or not this format?");
        long count = size / format.RecordBytes;
        if (count > Array.MaxLength / CifarRecordFormat.ImageBytes)
            throw new InvalidDataException($"CIFAR records file '{path}' has {count} records, more than one array can hold.");
        return (int)count;
    }

    /// <summary>
    /// Reads every record of <paramref name="paths"/>, in order, into <c>Labels[n]</c> and
    /// <c>Pixels[n * 3072]</c> (planar RGB, as in the file). Throws as <see cref="CountRecords"/> does, and
    /// <see cref="InvalidDataException"/> for a label not below <see cref="CifarRecordFormat.ClassCount"/>.
    /// </summary>
    public static (byte[] Labels, byte[] Pixels) Read(IReadOnlyList<string> paths, CifarRecordFormat format)
    {
        var counts = paths.Select(p => CountRecords(p, format)).ToArray();
        long total = counts.Sum(c => (long)c);
        if (total * CifarRecordFormat.ImageBytes > Array.MaxLength)
            throw new InvalidDataException($"{total} CIFAR records do not fit in one array.");
        var labels = new byte[total];
        var pixels = new byte[total * CifarRecordFormat.ImageBytes];
        int at = 0;
        for (int f = 0; f < paths.Count; f++)
        {
            ReadFile(paths[f], format, counts[f], labels.AsSpan(at, counts[f]), pixels.AsSpan(at * CifarRecordFormat.ImageBytes));
            at += counts[f];
        }
        return (labels, pixels);
    }

    private static void ReadFile(string path, CifarRecordFormat format, int count, Span<byte> labels, Span<byte> pixels)
    {
        int rb = format.RecordBytes;
        byte[] chunk = new byte[RecordsPerChunk * rb];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        for (int done = 0; done < count;)
        {
            int n = Math.Min(RecordsPerChunk, count - done);
            try { stream.ReadExactly(chunk, 0, n * rb); }
            catch (EndOfStreamException e) { throw new InvalidDataException($"CIFAR records file '{path}' ended early (changed while reading?).", e); }
            for (int r = 0; r < n; r++)
            {
                ReadOnlySpan<byte> record = chunk.AsSpan(r * rb, rb);
                byte label = record[format.LabelIndex];
                if (label >= format.ClassCount)
                    throw new InvalidDataException(
                        $"CIFAR records file '{path}', record {done + r}: label {label} is out of range for {format.ClassCount} classes.");
                labels[done + r] = label;
                record[format.LabelBytes..].CopyTo(pixels.Slice((done + r) * CifarRecordFormat.ImageBytes, CifarRecordFormat.ImageBytes));
            }
            done += n;
        }
    }
}
