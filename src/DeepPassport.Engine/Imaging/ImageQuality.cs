using System.Numerics.Tensors;

namespace DeepPassport.Engine.Imaging;

/// <summary>
/// Full-reference image quality: PSNR and SSIM between two images of the same shape, on values in [0, 1]
/// (8-bit images are divided by 255). Used to measure how well a steganographic network hides and reveals images.
/// </summary>
public static class ImageQuality
{
    /// <summary>Side of the SSIM Gaussian window.</summary>
    public const int SsimWindow = 11;

    /// <summary>Standard deviation of the SSIM Gaussian window, in pixels.</summary>
    public const double SsimSigma = 1.5;

    // C1 = (K1 L)^2, C2 = (K2 L)^2 with K1 = 0.01, K2 = 0.03 and dynamic range L = 1.
    private const double C1 = 0.01 * 0.01, C2 = 0.03 * 0.03;

    // The window normalised to sum 1: g[i] = exp(-(i - 5)^2 / (2 sigma^2)) / sum. The 2-D window is outer(g, g).
    private static readonly double[] Gaussian = MakeGaussian();

    /// <summary>
    /// Peak signal-to-noise ratio in dB: PSNR = 10 log10(1 / MSE) with MSE over all pixels and channels of the
    /// images divided by 255. Identical images give <see cref="double.PositiveInfinity"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The images differ in width, height or channels.</exception>
    public static double Psnr(Image a, Image b)
    {
        CheckSameShape(a, b);
        long sum = 0;   // exact: at most 255^2 * 2^28 * 3 fits in a long
        for (int i = 0; i < a.Pixels.Length; i++)
        {
            int d = a.Pixels[i] - b.Pixels[i];
            sum += d * d;
        }
        // MSE = sum / (255^2 n), so 1 / MSE = 255^2 n / sum.
        return sum == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 * a.Pixels.Length / sum);
    }

    /// <summary>
    /// PSNR in dB of two equally long arrays of values in [0, 1] (values outside are clamped to [0, 1]):
    /// 10 log10(1 / MSE). Identical arrays give <see cref="double.PositiveInfinity"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ, the arrays are empty, or a value is NaN.</exception>
    public static double Psnr(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"PSNR of arrays of different lengths: {a.Length} and {b.Length} values.");
        if (a.Length == 0) throw new ArgumentException("PSNR of empty arrays.");
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = Unit(a[i], "a", i) - Unit(b[i], "b", i);
            sum += d * d;
        }
        return sum == 0 ? double.PositiveInfinity : 10 * Math.Log10(a.Length / sum);
    }

    /// <summary>
    /// Structural similarity (Wang et al. 2004, as piqa computes it) of two images of the same size, divided by 255:
    /// see <see cref="Ssim(ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int)"/>. Identical images give 1.
    /// </summary>
    /// <exception cref="ArgumentException">The images differ in shape or are smaller than 11x11.</exception>
    public static double Ssim(Image a, Image b)
    {
        CheckSameShape(a, b);
        return SsimPlanes(ToPlanes(a), ToPlanes(b), a.Channels, a.Height, a.Width);
    }

    /// <summary>
    /// Structural similarity of two planar (CHW) images with values in [0, 1] (clamped): per channel, local
    /// statistics under an 11x11 Gaussian window (sigma 1.5, sum 1) at every position where it fits ("valid", no
    /// padding), SSIM = ((2 mu_a mu_b + C1)(2 s_ab + C2)) / ((mu_a^2 + mu_b^2 + C1)(s_a^2 + s_b^2 + C2)) with
    /// C1 = 0.01^2, C2 = 0.03^2, averaged over all positions and channels. Computed in double precision.
    /// </summary>
    /// <exception cref="ArgumentException">A length does not match the shape, the image is smaller than 11x11, or a value is NaN.</exception>
    public static double Ssim(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int channels, int height, int width)
    {
        if (channels < 1) throw new ArgumentException($"SSIM needs at least one channel, not {channels}.");
        long size = (long)channels * height * width;
        if (a.Length != size || b.Length != size)
            throw new ArgumentException($"SSIM of a {channels}x{height}x{width} (CHW) image needs {size} values; got {a.Length} and {b.Length}.");
        var pa = new double[a.Length];
        var pb = new double[b.Length];
        for (int i = 0; i < a.Length; i++) { pa[i] = Unit(a[i], "a", i); pb[i] = Unit(b[i], "b", i); }
        return SsimPlanes(pa, pb, channels, height, width);
    }

    private static double SsimPlanes(double[] a, double[] b, int channels, int height, int width)
    {
        if (height < SsimWindow || width < SsimWindow)
            throw new ArgumentException($"SSIM needs images of at least {SsimWindow}x{SsimWindow} pixels (its window); got {width}x{height}.");
        int plane = height * width;
        double total = 0;
        for (int c = 0; c < channels; c++)
            total += SsimSum(a.AsSpan(c * plane, plane), b.AsSpan(c * plane, plane), height, width);
        long positions = (long)channels * (height - SsimWindow + 1) * (width - SsimWindow + 1);
        return total / positions;
    }

    /// <summary>The sum of the SSIM map of one channel, with the 2-D Gaussian filter done as a row pass then a column pass.</summary>
    private static double SsimSum(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int height, int width)
    {
        int ow = width - SsimWindow + 1, oh = height - SsimWindow + 1;
        // Row pass: the five filtered quantities a, b, a^2, b^2, ab, each height x ow.
        var rows = new double[5][];
        for (int q = 0; q < 5; q++) rows[q] = new double[height * ow];
        var aa = new double[width];
        var bb = new double[width];
        var ab = new double[width];
        for (int y = 0; y < height; y++)
        {
            var ra = a.Slice(y * width, width);
            var rb = b.Slice(y * width, width);
            TensorPrimitives.Multiply(ra, ra, aa);
            TensorPrimitives.Multiply(rb, rb, bb);
            TensorPrimitives.Multiply(ra, rb, ab);
            FilterRow(ra, rows[0].AsSpan(y * ow, ow));
            FilterRow(rb, rows[1].AsSpan(y * ow, ow));
            FilterRow(aa, rows[2].AsSpan(y * ow, ow));
            FilterRow(bb, rows[3].AsSpan(y * ow, ow));
            FilterRow(ab, rows[4].AsSpan(y * ow, ow));
        }
        // Column pass, one output row at a time: acc_q = sum_k g[k] rows_q[oy + k].
        var acc = new double[5][];
        for (int q = 0; q < 5; q++) acc[q] = new double[ow];
        double sum = 0;
        for (int oy = 0; oy < oh; oy++)
        {
            for (int q = 0; q < 5; q++)
            {
                acc[q].AsSpan().Clear();
                for (int k = 0; k < SsimWindow; k++)
                    TensorPrimitives.MultiplyAdd(rows[q].AsSpan((oy + k) * ow, ow), Gaussian[k], acc[q], acc[q]);
            }
            for (int x = 0; x < ow; x++)
            {
                double ma = acc[0][x], mb = acc[1][x];
                double va = acc[2][x] - ma * ma, vb = acc[3][x] - mb * mb, cov = acc[4][x] - ma * mb;
                sum += (2 * ma * mb + C1) * (2 * cov + C2) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
            }
        }
        return sum;
    }

    // dst[x] = sum_k g[k] src[x + k] for x in [0, dst.Length): a valid 1-D correlation, one shifted row at a time.
    private static void FilterRow(ReadOnlySpan<double> src, Span<double> dst)
    {
        dst.Clear();
        for (int k = 0; k < SsimWindow; k++)
            TensorPrimitives.MultiplyAdd(src.Slice(k, dst.Length), Gaussian[k], dst, dst);
    }

    private static double[] MakeGaussian()
    {
        var g = new double[SsimWindow];
        double centre = (SsimWindow - 1) / 2.0, sum = 0;
        for (int i = 0; i < g.Length; i++) sum += g[i] = Math.Exp(-(i - centre) * (i - centre) / (2 * SsimSigma * SsimSigma));
        for (int i = 0; i < g.Length; i++) g[i] /= sum;
        return g;
    }

    // HWC bytes to CHW planes in [0, 1].
    private static double[] ToPlanes(Image image)
    {
        int ch = image.Channels, plane = image.Width * image.Height;
        var planes = new double[ch * plane];
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < ch; c++)
                planes[c * plane + p] = image.Pixels[p * ch + c] / 255.0;
        return planes;
    }

    private static double Unit(float v, string name, int index) =>
        float.IsNaN(v) ? throw new ArgumentException($"{name}[{index}] is NaN.") : Math.Clamp(v, 0.0, 1.0);

    private static void CheckSameShape(Image a, Image b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Width != b.Width || a.Height != b.Height || a.Channels != b.Channels)
            throw new ArgumentException(
                $"Images of different shapes: {a.Width}x{a.Height}x{a.Channels} and {b.Width}x{b.Height}x{b.Channels} (width x height x channels).");
    }
}
