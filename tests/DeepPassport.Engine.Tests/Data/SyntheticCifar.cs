namespace DeepPassport.Engine.Tests.Data;

/// <summary>Writes CIFAR-style record files with a known content: pixel k of record r is (r * 7 + k) mod 256.</summary>
internal static class SyntheticCifar
{
    public static byte Pixel(int record, int k) => (byte)((record * 7 + k) % 256);

    public static byte[] Records(IReadOnlyList<byte[]> labels)
    {
        var ms = new MemoryStream();
        for (int r = 0; r < labels.Count; r++)
        {
            ms.Write(labels[r]);
            for (int k = 0; k < 3072; k++) ms.WriteByte(Pixel(r, k));
        }
        return ms.ToArray();
    }

    public static string Write(string path, params byte[] labels)
    {
        File.WriteAllBytes(path, Records(labels.Select(l => new[] { l }).ToArray()));
        return path;
    }
}
