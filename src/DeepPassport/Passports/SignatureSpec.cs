using DeepPassport.Engine.Tensors;

namespace DeepPassport.Passports;

/// <summary>
/// What a passport config says of one layer's signature: <c>true</c> = random bits, a string = its UTF-8 bits then
/// random ones, an integer k = every bit k (reference-spec §1.5).
/// </summary>
public abstract record SignatureSpec
{
    public abstract Signature Create(int channels, Rng rng);

    public sealed record Random : SignatureSpec
    {
        public override Signature Create(int channels, Rng rng) => Signature.Random(channels, rng);
    }

    public sealed record Text(string Value) : SignatureSpec
    {
        public override Signature Create(int channels, Rng rng) => Signature.FromText(Value, channels, rng);
    }

    /// <summary>Explicit leading bits (from a bits string or file), then random ones up to the channel count.</summary>
    public sealed record Bits(Signature Value) : SignatureSpec
    {
        public override Signature Create(int channels, Rng rng)
        {
            if (Value.Length > channels) throw new ArgumentException($"A signature of {Value.Length} bits does not fit {channels} channels.");
            return new Signature(Value.Bits.Select(b => (int)b).Concat(Signature.Random(channels - Value.Length, rng).Bits.Select(b => (int)b)));
        }
    }

    public sealed record Constant(int Value) : SignatureSpec
    {
        public override Signature Create(int channels, Rng rng) => Signature.Constant(Value, channels);
    }
}
