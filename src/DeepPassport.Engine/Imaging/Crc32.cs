namespace DeepPassport.Engine.Imaging;

/// <summary>
/// The CRC-32 of PNG chunks (ISO-HDLC / zlib polynomial 0xEDB88320, reflected, init and final xor 0xFFFFFFFF).
/// </summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var t = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }

    /// <summary>Continues a running CRC (start with 0xFFFFFFFF; xor the result with 0xFFFFFFFF at the end).</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    /// <summary>CRC-32 of the concatenation of <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b = default) =>
        Update(Update(0xFFFFFFFFu, a), b) ^ 0xFFFFFFFFu;
}
