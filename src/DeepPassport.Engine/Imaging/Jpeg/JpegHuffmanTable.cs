namespace DeepPassport.Engine.Imaging;

/// <summary>
/// One Huffman table from a DHT segment, in the decoding form of T.81 F.2.2.3 (MAXCODE, VALPTR, MINCODE)
/// plus a lookup table that resolves codes of up to <see cref="LookupBits"/> bits in one step.
/// </summary>
internal sealed class JpegHuffmanTable
{
    /// <summary>Codes this long or shorter are decoded with one table lookup.</summary>
    public const int LookupBits = 9;

    // lookup[next 9 bits] = (code length << 8) | symbol, or 0 when the code is longer than 9 bits.
    private readonly ushort[] _lookup = new ushort[1 << LookupBits];
    // For length L (1..16): the largest code of that length (-1 when none), and where its symbols start.
    private readonly int[] _maxCode = new int[18];
    private readonly int[] _valOffset = new int[17];
    private readonly byte[] _symbols;

    private JpegHuffmanTable(byte[] symbols) => _symbols = symbols;

    /// <summary>
    /// Builds the table from the 16 code-length counts (BITS) and the symbols (HUFFVAL).
    /// Returns null with a reason when the counts describe more codes than fit in their lengths.
    /// </summary>
    public static JpegHuffmanTable? Build(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> symbols, out string? problem)
    {
        var table = new JpegHuffmanTable(symbols.ToArray());
        // Canonical codes (T.81 C.2): codes of one length are consecutive; moving to the next length doubles.
        int code = 0, k = 0;
        for (int len = 1; len <= 16; len++)
        {
            int n = counts[len - 1];
            table._valOffset[len] = k - code;
            if (n == 0) table._maxCode[len] = -1;
            else
            {
                if (code + n > 1 << len)
                {
                    problem = $"Huffman table has more codes of length {len} than fit";
                    return null;
                }
                for (int i = 0; i < n; i++, code++, k++)
                {
                    if (len > LookupBits) continue;
                    // Every 9-bit pattern that starts with this code decodes to it.
                    int shift = LookupBits - len;
                    int first = code << shift;
                    ushort entry = (ushort)((len << 8) | symbols[k]);
                    for (int j = 0; j < 1 << shift; j++) table._lookup[first + j] = entry;
                }
                table._maxCode[len] = code - 1;
            }
            code <<= 1;
        }
        table._maxCode[17] = int.MaxValue; // sentinel, never reached because we stop at 16
        problem = null;
        return table;
    }

    /// <summary>Decodes one symbol from <paramref name="bits"/>; throws for a bit pattern that is no code.</summary>
    public int Decode(JpegBitReader bits)
    {
        int peek = bits.Peek(16);
        int entry = _lookup[peek >> (16 - LookupBits)];
        if (entry != 0)
        {
            bits.Skip(entry >> 8);
            return entry & 0xFF;
        }
        for (int len = LookupBits + 1; len <= 16; len++)
        {
            int code = peek >> (16 - len);
            if (code <= _maxCode[len])
            {
                bits.Skip(len);
                return _symbols[_valOffset[len] + code];
            }
        }
        throw bits.Error("invalid Huffman code in scan data");
    }
}
