using System.Buffers.Binary;

namespace DeepPassport.Engine.IO;

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length N, N bytes of JSON
/// (<c>{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {string: string}}</c>),
/// then the raw little-endian tensor bytes, offsets relative to the start of that data section.
/// </summary>
public static class SafeTensors
{
    /// <summary>Headers beyond this are refused before anything is allocated (real headers are kilobytes).</summary>
    public const long MaxHeaderBytes = 100L * 1024 * 1024;

    /// <summary>Reads a file. Throws <see cref="FileNotFoundException"/> if it is missing and <see cref="SafeTensorsFormatException"/> if it is malformed.</summary>
    public static SafeTensorsFile Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path);
    }

    /// <summary>
    /// Reads safetensors content from the current position of <paramref name="stream"/> to its end.
    /// <paramref name="nameForErrors"/> is what error messages call the source.
    /// </summary>
    public static SafeTensorsFile Read(Stream stream, string nameForErrors)
    {
        if (!stream.CanSeek)
        {
            // The size must be known to validate offsets before allocating tensors, so buffer what there is.
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        try
        {
            return ReadSeekable(stream, nameForErrors);
        }
        catch (EndOfStreamException e)
        {
            throw new SafeTensorsFormatException(nameForErrors, "unexpected end of data (the stream shrank while reading?)", e);
        }
    }

    private static SafeTensorsFile ReadSeekable(Stream s, string file)
    {
        long available = s.Length - s.Position;
        if (available < 8)
            throw new SafeTensorsFormatException(file, $"only {available} bytes, too short for the 8-byte header length");
        Span<byte> prefix = stackalloc byte[8];
        s.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes)
            throw new SafeTensorsFormatException(file, $"header length {headerLength} exceeds the limit of {MaxHeaderBytes} bytes");
        if ((long)headerLength > available - 8)
            throw new SafeTensorsFormatException(file, $"header length {headerLength} extends beyond the {available - 8} bytes that follow it (file truncated?)");

        var header = new byte[headerLength];
        s.ReadExactly(header);
        long dataStart = s.Position;
        long dataLength = available - 8 - (long)headerLength;

        var result = new SafeTensorsFile();
        List<SafeTensorsEntry> entries = SafeTensorsHeader.Parse(header, dataLength, file, result.Metadata);
        foreach (SafeTensorsEntry e in entries)
        {
            s.Position = dataStart + e.Begin;
            if (SafeTensorsDTypes.IsInteger(e.DType))
                result.Int64[e.Name] = new Int64Tensor(SafeTensorsPayload.ReadInt64(s, e), e.Shape);
            else
                result.Tensors[e.Name] = new Tensors.Tensor(SafeTensorsPayload.ReadFloats(s, e), e.Shape);
        }
        return result;
    }

    /// <summary>
    /// Writes <paramref name="file"/> atomically: to a temporary file in the same folder, flushed to disk,
    /// then renamed over <paramref name="path"/>, so a crash never leaves a half-written checkpoint.
    /// </summary>
    public static void Write(string path, SafeTensorsFile file)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Write(stream, file);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="file"/> to <paramref name="stream"/>: tensors in ordinal name order, F32 and I64,
    /// the header padded with spaces so that the data section starts at a multiple of 8 bytes.
    /// </summary>
    public static void Write(Stream stream, SafeTensorsFile file) => SafeTensorsWriter.Write(stream, file);
}
