using DeepPassport.Engine.Imaging;
using DeepPassport.Passports;

namespace DeepPassport.Tests.Passports;

public class HashSignatureTests
{
    /// <summary>Two tiny images: 2x1 (10,20,30),(40,50,60) and 1x1 (255,0,128).</summary>
    private static Image[] Passport() => [new Image(2, 1, 3, [10, 20, 30, 40, 50, 60]), new Image(1, 1, 3, [255, 0, 128])];

    /// <summary>The expected bits were computed independently with Python's hashlib from the documented encoding.</summary>
    [Fact]
    public void FixedTestVector()
    {
        var d = HashSignature.Digest(Passport());
        Assert.Equal("eac942181a5981bf4d1dd94e058aa26a", Convert.ToHexStringLower(d)[..32]);
        Assert.Equal("1110101011001001010000100001100000011010010110011000000110111111", HashSignature.Compat(d, 64).ToString());
        var layer1 = HashSignature.ForLayer(d, 1, 600).ToString();   // 600 > 512 bits: two counter blocks
        Assert.Equal("10110011101110101010100010011001", layer1[..32]);
        Assert.Equal("0011011111001101001001110110011011010101", layer1[^40..]);
    }

    [Fact]
    public void LayersGetIndependentBitsAndOnePixelChangesEverything()
    {
        var d = HashSignature.Digest(Passport());
        var a = HashSignature.ForLayer(d, 0, 512);
        var b = HashSignature.ForLayer(d, 1, 512);
        Assert.InRange(Disagreement(a, b), 0.4, 0.6);
        Assert.Equal(HashSignature.Compat(d, 256), HashSignature.Compat(d, 256));   // compat: equal widths share bits

        var changed = Passport();
        changed[0].Pixels[3] ^= 1;   // one bit of one pixel
        var c = HashSignature.ForLayer(HashSignature.Digest(changed), 0, 512);
        Assert.InRange(Disagreement(a, c), 0.4, 0.6);
        Assert.Throws<ArgumentException>(() => HashSignature.Compat(d, 513));
    }

    /// <summary>Gray images hash as their RGB expansion; the canonical bytes carry every size.</summary>
    [Fact]
    public void GrayImagesAreHashedAsRgb()
    {
        var gray = new Image(1, 1, 1, [7]);
        var rgb = new Image(1, 1, 3, [7, 7, 7]);
        Assert.Equal(HashSignature.Digest([gray]), HashSignature.Digest([rgb]));
        Assert.NotEqual(HashSignature.Digest([new Image(2, 1, 3, new byte[6])]), HashSignature.Digest([new Image(1, 2, 3, new byte[6])]));
    }

    private static double Disagreement(Signature a, Signature b) => Enumerable.Range(0, a.Length).Count(i => a[i] != b[i]) / (double)a.Length;
}
