using DeepPassport.Engine.Imaging;
using DeepPassport.Stego;

namespace DeepPassport.Tests.Stego;

public class KeyStrengthTests
{
    /// <summary>A black and white checkerboard of 4-pixel squares, the colours shifted by <paramref name="offset"/>.</summary>
    private static Image Checkers(int side, int offset = 0)
    {
        var img = new Image(side, side, 3);
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
                for (int c = 0; c < 3; c++) img[x, y, c] = (byte)(((x / 4 + y / 4) % 2 == 0 ? 20 : 235) + offset);
        return img;
    }

    private static Image Flat(int side, byte value)
    {
        var img = new Image(side, side, 3);
        Array.Fill(img.Pixels, value);
        return img;
    }

    [Fact]
    public void ContrastIsThePixelsStandardDeviation()
    {
        Assert.Equal(0, KeyStrength.StandardDeviation(new byte[] { 7, 7, 7, 7 }));
        Assert.Equal(50, KeyStrength.StandardDeviation(new byte[] { 100, 200, 100, 200 }), 9);   // mean 150, every value 50 away
        Assert.Equal(107.5, KeyStrength.StandardDeviation(Checkers(32).Pixels), 9);              // half 20, half 235
    }

    [Fact]
    public void AHighContrastKeyFarFromEveryTextureIsStrong()
    {
        var s = KeyStrength.Of(Checkers(64), [("flat", Flat(48, 128)), ("dark", Flat(40, 10))], 32);
        Assert.Null(s.Weakness);
        Assert.Equal("flat", s.Nearest);   // mid-grey is nearer a black and white board than black is
        Assert.True(s.NearestPsnr < KeyStrength.MaxNearestPsnr, $"{s.NearestPsnr}");
    }

    [Fact]
    public void AFlatKeyIsWeakForItsContrast()
    {
        var s = KeyStrength.Of(Flat(32, 90), [], 32);
        Assert.Null(s.Nearest);
        Assert.Contains("contrast is low", s.Weakness);
        Assert.DoesNotContain("dB from it", s.Weakness);
    }

    [Fact]
    public void AKeyNearAKnownTextureIsWeakAndNamesIt()
    {
        // The same board 8 levels brighter: PSNR 20·log10(255/8) = 30.1 dB.
        var s = KeyStrength.Of(Checkers(32), [("far", Flat(32, 0)), ("near", Checkers(32, offset: 8))], 32);
        Assert.Equal("near", s.Nearest);
        Assert.Equal(20 * Math.Log10(255.0 / 8), s.NearestPsnr, 6);
        Assert.Contains("'near'", s.Weakness);
        Assert.DoesNotContain("contrast", s.Weakness);
    }
}
