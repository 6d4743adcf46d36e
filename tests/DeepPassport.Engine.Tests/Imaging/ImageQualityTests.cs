using DeepPassport.Engine.Imaging;

namespace DeepPassport.Engine.Tests.Imaging;

public class ImageQualityTests
{
    private const int C = 3, H = 32, W = 40;

    // The synthetic pair of tools/golden/make_quality_golden.py, repeated exactly in integers (CHW order of i).
    private static Image Synthetic(int noiseAmplitude)
    {
        var img = new Image(W, H, C);
        for (int c = 0; c < C; c++)
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++)
                {
                    int v = (6 * x + 5 * y + 40 * c + (x * y) % 37) % 256;
                    if (noiseAmplitude > 0)
                    {
                        long i = (c * H + y) * W + x;
                        v += (int)((i * 1103515245 + 12345) / 65536 % (2 * noiseAmplitude + 1)) - noiseAmplitude;
                    }
                    img[x, y, c] = (byte)Math.Clamp(v, 0, 255);
                }
        return img;
    }

    private static float[] Chw(Image img) =>
        Enumerable.Range(0, img.Channels).SelectMany(c =>
            Enumerable.Range(0, img.Height * img.Width).Select(p => img.Pixels[p * img.Channels + c] / 255f)).ToArray();

    private static float[] Uniform(int n, int seed)
    {
        var rng = new System.Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
    }

    [Fact]
    public void IdenticalImages_GiveSsimOneAndInfinitePsnr()
    {
        Image rgb = Synthetic(20);
        Assert.Equal(1.0, ImageQuality.Ssim(rgb, rgb), 12);
        Assert.Equal(double.PositiveInfinity, ImageQuality.Psnr(rgb, rgb));
        var gray = new Image(16, 12, 1, Enumerable.Range(0, 16 * 12).Select(i => (byte)(i * 7)).ToArray());
        Assert.Equal(1.0, ImageQuality.Ssim(gray, gray), 12);
        float[] f = Uniform(2 * 13 * 15, 1);
        Assert.Equal(1.0, ImageQuality.Ssim(f, f, 2, 13, 15), 12);
        Assert.Equal(double.PositiveInfinity, ImageQuality.Psnr(f, f));
    }

    [Fact]
    public void KnownMse_GivesExactPsnr()
    {
        // A uniform offset of 0.1: MSE = 0.01, PSNR = 10 log10(100) = 20 dB.
        float[] a = Enumerable.Repeat(0.3f, 300).ToArray(), b = Enumerable.Repeat(0.4f, 300).ToArray();
        Assert.Equal(20.0, ImageQuality.Psnr(a, b), 5);
        // Bytes: an offset of 51 = 0.2 of the range on every value: 10 log10(25).
        var x = new Image(8, 8, 3, Enumerable.Repeat((byte)100, 192).ToArray());
        var y = new Image(8, 8, 3, Enumerable.Repeat((byte)151, 192).ToArray());
        Assert.Equal(10 * Math.Log10(25), ImageQuality.Psnr(x, y), 12);
        // Values outside [0, 1] are clamped: 1.5 and 1 are the same white.
        Assert.Equal(double.PositiveInfinity, ImageQuality.Psnr([1.5f, -2f], [1f, 0f]));
    }

    [Fact]
    public void Ssim_IsSymmetricAndBelowOneUnderNoise()
    {
        Image a = Synthetic(0), b = Synthetic(20), c = Synthetic(60);
        double ab = ImageQuality.Ssim(a, b), ac = ImageQuality.Ssim(a, c);
        Assert.Equal(ab, ImageQuality.Ssim(b, a), 14);
        Assert.True(ab < 1 && ac < ab, $"SSIM should fall as noise grows: {ab} then {ac}");
        Assert.True(ImageQuality.Psnr(a, c) < ImageQuality.Psnr(a, b));
    }

    [Theory]
    // From tools/golden/make_quality_golden.py (PyTorch conv2d, float64).
    [InlineData(20, 0.870542204001, 26.871562498379)]
    [InlineData(60, 0.520785853297, 17.863588186177)]
    public void SyntheticPair_MatchesPyTorch(int amplitude, double ssim, double psnr)
    {
        Image a = Synthetic(0), b = Synthetic(amplitude);
        Assert.Equal(ssim, ImageQuality.Ssim(a, b), 1e-9);
        Assert.Equal(psnr, ImageQuality.Psnr(a, b), 1e-9);
        // The planar float overloads see the same values (k / 255 rounded to float: differences of ~1e-8).
        Assert.Equal(ssim, ImageQuality.Ssim(Chw(a), Chw(b), C, H, W), 1e-6);
        Assert.Equal(psnr, ImageQuality.Psnr(Chw(a), Chw(b)), 1e-5);
    }

    [Fact]
    public void RealPhotos_MatchPyTorch()
    {
        if (TestData.RequireOrSkip() is not string root) return;
        string folder = Path.Combine(root, "passports", "public_domain");
        Image astronaut = ImageFile.Read(Path.Combine(folder, "skimage_astronaut.png"));
        Image ihc = ImageFile.Read(Path.Combine(folder, "skimage_ihc.png"));
        Image camera = ImageFile.Read(Path.Combine(folder, "skimage_camera.png"));
        // From tools/golden/make_quality_golden.py (PIL decoding, PyTorch conv2d in float64).
        Assert.Equal(0.129321451818, ImageQuality.Ssim(astronaut, ihc), 1e-9);
        Assert.Equal(7.305088921808, ImageQuality.Psnr(astronaut, ihc), 1e-9);
        Image mirrored = ImageOps.FlipHorizontal(camera);
        Assert.Equal(0.305696360762, ImageQuality.Ssim(camera, mirrored), 1e-9);
        Assert.Equal(7.890656180557, ImageQuality.Psnr(camera, mirrored), 1e-9);
    }

    [Theory]
    [InlineData(1, 11, 11)]
    [InlineData(2, 17, 23)]
    [InlineData(3, 40, 12)]
    public void SeparableFilter_EqualsDirect2DWindow(int channels, int height, int width)
    {
        float[] a = Uniform(channels * height * width, 2), b = Uniform(channels * height * width, 3);
        for (int i = 0; i < b.Length; i++) b[i] = 0.7f * a[i] + 0.3f * b[i];   // correlated, so SSIM is far from 0
        Assert.Equal(DirectSsim(a, b, channels, height, width), ImageQuality.Ssim(a, b, channels, height, width), 1e-12);
    }

    // The definition written out: the 11x11 window as a double loop at every valid position.
    private static double DirectSsim(float[] a, float[] b, int channels, int height, int width)
    {
        var g = Enumerable.Range(0, 11).Select(i => Math.Exp(-(i - 5) * (i - 5) / (2 * 1.5 * 1.5))).ToArray();
        double gs = g.Sum();
        double total = 0;
        int count = 0;
        for (int c = 0; c < channels; c++)
            for (int oy = 0; oy + 11 <= height; oy++)
                for (int ox = 0; ox + 11 <= width; ox++, count++)
                {
                    double ma = 0, mb = 0, saa = 0, sbb = 0, sab = 0;
                    for (int ky = 0; ky < 11; ky++)
                        for (int kx = 0; kx < 11; kx++)
                        {
                            double w = g[ky] * g[kx] / (gs * gs);
                            int i = (c * height + oy + ky) * width + ox + kx;
                            ma += w * a[i]; mb += w * b[i];
                            saa += w * a[i] * a[i]; sbb += w * b[i] * b[i]; sab += w * a[i] * b[i];
                        }
                    double va = saa - ma * ma, vb = sbb - mb * mb, cov = sab - ma * mb;
                    total += (2 * ma * mb + 1e-4) * (2 * cov + 9e-4) / ((ma * ma + mb * mb + 1e-4) * (va + vb + 9e-4));
                }
        return total / count;
    }

    [Fact]
    public void BadShapes_AreClearErrors()
    {
        var e = Assert.Throws<ArgumentException>(() => ImageQuality.Psnr(new Image(32, 20, 3), new Image(32, 21, 3)));
        Assert.Contains("32x20x3", e.Message);
        Assert.Contains("32x21x3", e.Message);
        e = Assert.Throws<ArgumentException>(() => ImageQuality.Ssim(new Image(16, 16, 1), new Image(16, 16, 3)));
        Assert.Contains("16x16x1", e.Message);
        e = Assert.Throws<ArgumentException>(() => ImageQuality.Ssim(new Image(10, 40, 3), new Image(10, 40, 3)));
        Assert.Contains("at least 11x11", e.Message);
        Assert.Throws<ArgumentException>(() => ImageQuality.Ssim(new float[300], new float[300], 3, 10, 10));
        e = Assert.Throws<ArgumentException>(() => ImageQuality.Ssim(new float[363], new float[362], 3, 11, 11));
        Assert.Contains("363", e.Message);
        Assert.Throws<ArgumentException>(() => ImageQuality.Psnr(new float[3], new float[4]));
        Assert.Throws<ArgumentException>(() => ImageQuality.Psnr([], []));
        e = Assert.Throws<ArgumentException>(() => ImageQuality.Psnr([0.5f, float.NaN], [0.5f, 0.5f]));
        Assert.Contains("NaN", e.Message);
    }
}
