using DeepPassport.Engine.Tensors;
using DeepPassport.Passports;

namespace DeepPassport.Tests.Passports;

public class SignatureTests
{
    [Fact]
    public void TextIsUtf8MostSignificantBitFirstThenRandom()
    {
        var s = Signature.FromText("A", 16, new Rng(1));   // 'A' = 0x41 = 01000001
        Assert.Equal("01000001", s.ToString()[..8]);
        Assert.Equal(16, s.Length);
        Assert.Equal("A", s.DecodeText(1));
    }

    [Fact]
    public void NonAsciiTextUsesUtf8Bytes()
    {
        var s = Signature.FromText("é", 64, new Rng(1));   // U+00E9 = C3 A9 in UTF-8
        Assert.Equal("1100001110101001", s.ToString()[..16]);
        Assert.Equal("é", s.DecodeText(2));
        var emoji = Signature.FromText("密", 64, new Rng(2));   // three UTF-8 bytes
        Assert.Equal("密", emoji.DecodeText(3));
    }

    [Fact]
    public void TextLongerThanTheLayerIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => Signature.FromText("this is longer than eight bytes", 64, new Rng(1)));
        Assert.Contains("64 channels", e.Message);
    }

    [Fact]
    public void RandomIsSeededAndBalanced()
    {
        Assert.Equal(Signature.Random(512, new Rng(3)), Signature.Random(512, new Rng(3)));
        int ones = Signature.Random(4000, new Rng(4)).Bits.Count(b => b > 0);
        Assert.InRange(ones, 1850, 2150);
    }

    [Fact]
    public void BitsFilesParse()
    {
        Assert.Equal("1010", Signature.Parse("1010\n", "f").ToString());
        Assert.Equal("1001", Signature.Parse("+1 -1\n-1 1", "f").ToString());
        var e = Assert.Throws<FormatException>(() => Signature.Parse("1 2", "bits.txt"));
        Assert.Contains("bits.txt", e.Message);
        Assert.Throws<FormatException>(() => Signature.Parse("  ", "empty.txt"));
    }

    [Fact]
    public void DetectionAndBitErrorRate()
    {
        var s = Signature.Parse("1100", "t");
        Assert.Equal(1.0, s.DetectionRate([0.3f, 0.1f, -0.2f, -5f]));
        Assert.Equal(0.5, s.DetectionRate([0.3f, -0.1f, 0f, -5f]));   // a zero scale matches nothing
        Assert.Equal(0.5, s.BitErrorRate([0.3f, -0.1f, 0f, -5f]));
        Assert.Equal(0.5, s.DetectionRate([float.NaN, 0.1f, float.NaN, -5f]));   // a NaN scale (a diverged model) matches nothing
    }

    [Fact]
    public void SignLossMatchesTheFormula()
    {
        // L = 0.1 * sum max(0, 0.1 - b s) + 1e-5 * sum s^2, b = (+1, -1, +1), s = (0.5, 0.05, -0.2)
        var s = new Tensor([0.5f, 0.05f, -0.2f], 3) { RequiresGrad = true };
        var b = Signature.Parse("101", "t");
        var loss = new SignLoss().Compute(s, b);
        double expected = 0.1 * (0 + 0.15 + 0.3) + 1e-5 * (0.25 + 0.0025 + 0.04);
        Assert.Equal(expected, loss.Item(), 6);
        loss.Backward();
        // d/ds_i = -alpha * b_i [b_i s_i < margin] + 2e-5 s_i
        Assert.Equal(2e-5 * 0.5, s.Grad!.Data[0], 6);
        Assert.Equal(0.1 + 2e-5 * 0.05, s.Grad.Data[1], 6);
        Assert.Equal(-0.1 + 2e-5 * -0.2, s.Grad.Data[2], 6);
    }
}

public class SignLossTests
{
    /// <summary>alpha * sum max(0, 0.1 - b*s) + 1e-5 * sum s^2, worked by hand.</summary>
    [Fact]
    public void ValuesMatchTheFormula()
    {
        var scales = new Tensor([0.2f, -0.05f, 0f, -0.3f], 4);
        var sig = new Signature([1, 1, -1, -1]);
        // hinge terms: 0, 0.15, 0.1, 0 -> 0.25
        float l2 = 0.04f + 0.0025f + 0f + 0.09f;
        Assert.Equal(0.1f * 0.25f + 1e-5f * l2, new SignLoss().Compute(scales, sig).Item(), 1e-7f);
        Assert.Equal(1f * 0.25f + 1e-5f * l2, new SignLoss(Alpha: 1f).Compute(scales, sig).Item(), 1e-6f);
        Assert.Throws<ArgumentException>(() => new SignLoss().Compute(scales, new Signature([1, 1])));
    }
}
