using System.Text;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Passports;

/// <summary>
/// An owner signature for one passport layer: one bit per output channel, each +1 or -1. Training pushes
/// sign(scale_i) to b_i; ownership is shown by how many signs match (reference-spec §1.5, §1.7).
/// </summary>
public sealed class Signature : IEquatable<Signature>
{
    private readonly sbyte[] _bits;

    public Signature(IEnumerable<int> bits)
    {
        _bits = bits.Select(b => b switch
        {
            1 => (sbyte)1,
            -1 => (sbyte)-1,
            _ => throw new ArgumentException($"Signature bits are +1 or -1, got {b}."),
        }).ToArray();
    }

    public int Length => _bits.Length;
    public int this[int i] => _bits[i];
    public IReadOnlyList<sbyte> Bits => _bits;

    /// <summary>Each bit sign(u - 0.5) for u ~ U(0, 1), from a seeded generator.</summary>
    public static Signature Random(int length, Rng rng) =>
        new(Enumerable.Range(0, length).Select(_ => rng.NextDouble() < 0.5 ? -1 : 1));

    /// <summary>
    /// The text's UTF-8 bytes, most significant bit first, '1' as +1 and '0' as -1, then random bits up to
    /// <paramref name="length"/>. UTF-8 (not the originals' code points) so any text encodes in 8 bits a byte.
    /// </summary>
    public static Signature FromText(string text, int length, Rng rng)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length * 8 > length)
            throw new ArgumentException($"Signature text \"{text}\" needs {bytes.Length * 8} bits ({bytes.Length} UTF-8 bytes) but the layer has only {length} channels.");
        var bits = new List<int>(length);
        foreach (byte b in bytes)
            for (int k = 7; k >= 0; k--) bits.Add(((b >> k) & 1) == 1 ? 1 : -1);
        while (bits.Count < length) bits.Add(rng.NextDouble() < 0.5 ? -1 : 1);
        return new Signature(bits);
    }

    /// <summary>Every bit equal to <paramref name="value"/> (+1 or -1).</summary>
    public static Signature Constant(int value, int length) => new(Enumerable.Repeat(value, length));

    /// <summary>
    /// A signature from text of bits: '1'/'0' characters, or whitespace-separated +1/-1/1/0 tokens. Anything else
    /// is an error naming <paramref name="source"/>.
    /// </summary>
    public static Signature Parse(string text, string source)
    {
        var tokens = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        IEnumerable<string> items = tokens.Length == 1 && tokens[0].All(c => c is '0' or '1') ? tokens[0].Select(c => c.ToString()) : tokens;
        var bits = new List<int>();
        foreach (var t in items)
            bits.Add(t switch
            {
                "1" or "+1" => 1,
                "0" or "-1" => -1,
                _ => throw new FormatException($"{source}: '{t}' is not a signature bit (use 1/0 or +1/-1)."),
            });
        if (bits.Count == 0) throw new FormatException($"{source}: no signature bits.");
        return new Signature(bits);
    }

    /// <summary>The bits as 1/0 characters (round-trips through <see cref="Parse"/>).</summary>
    public override string ToString() => string.Concat(_bits.Select(b => b > 0 ? '1' : '0'));

    /// <summary>The first bytes decoded back to text (bits MSB first), for showing a string signature.</summary>
    public string DecodeText(int byteCount)
    {
        var bytes = new byte[Math.Min(byteCount, Length / 8)];
        for (int i = 0; i < bytes.Length; i++)
            for (int k = 0; k < 8; k++) bytes[i] = (byte)((bytes[i] << 1) | (_bits[i * 8 + k] > 0 ? 1 : 0));
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Fraction of channels whose scale has the signature's sign (a zero or NaN scale matches nothing).</summary>
    public double DetectionRate(ReadOnlySpan<float> scales)
    {
        if (scales.Length != Length) throw new ArgumentException($"{scales.Length} scales for a signature of {Length} bits.");
        int match = 0;
        for (int i = 0; i < Length; i++) if (scales[i] * _bits[i] > 0) match++;
        return Length == 0 ? 1 : (double)match / Length;
    }

    /// <summary>Bit error rate = 1 - detection rate.</summary>
    public double BitErrorRate(ReadOnlySpan<float> scales) => 1 - DetectionRate(scales);

    /// <summary>The bits as a float tensor of +-1, for losses.</summary>
    public Tensor ToTensor() => new(_bits.Select(b => (float)b).ToArray(), Length);

    public bool Equals(Signature? other) => other is not null && _bits.AsSpan().SequenceEqual(other._bits);
    public override bool Equals(object? obj) => Equals(obj as Signature);
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}
