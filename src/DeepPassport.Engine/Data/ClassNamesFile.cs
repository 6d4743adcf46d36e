namespace DeepPassport.Engine.Data;

/// <summary>Reads class-name files: one name per line in label order; blank lines (CIFAR pads with them) are ignored.</summary>
public static class ClassNamesFile
{
    /// <summary>
    /// The names in <paramref name="path"/>. Throws <see cref="FileNotFoundException"/> if it is missing and
    /// <see cref="InvalidDataException"/> unless it holds exactly <paramref name="classCount"/> names.
    /// </summary>
    public static string[] Read(string path, int classCount)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Class names file not found: '{path}'.", path);
        string[] names = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (names.Length != classCount)
            throw new InvalidDataException($"Class names file '{path}' has {names.Length} names, expected {classCount}.");
        return names;
    }

    /// <summary>Names "0", "1", ... for a data set without a names file.</summary>
    public static string[] Numbered(int classCount) =>
        Enumerable.Range(0, classCount).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}
