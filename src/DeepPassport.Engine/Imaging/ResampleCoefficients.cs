namespace DeepPassport.Engine.Imaging;

/// <summary>
/// Per-output-pixel weights for resampling one axis: output pixel i is
/// sum over k &lt; Count[i] of Weight[i * KernelSize + k] * input[Start[i] + k], with weights in fixed point
/// (<see cref="PrecisionBits"/> fractional bits, as Pillow does for 8-bit images).
/// </summary>
internal sealed class ResampleCoefficients
{
    /// <summary>Fractional bits of the fixed-point weights: 32 - 8 - 2, so 255 * sum of weights fits an int with room for rounding.</summary>
    public const int PrecisionBits = 22;

    public int KernelSize { get; }
    public int[] Start { get; }
    public int[] Count { get; }
    public int[] Weights { get; }

    private ResampleCoefficients(int outSize, int kernelSize)
    {
        KernelSize = kernelSize;
        Start = new int[outSize];
        Count = new int[outSize];
        Weights = new int[outSize * kernelSize];
    }

    /// <summary>
    /// Pillow's bilinear: a triangle filter 1 - |t| on |t| &lt; 1 centred on the output pixel's centre
    /// (i + 0.5) * in / out in input coordinates. When downscaling the triangle is stretched by the scale
    /// (support = in / out input pixels), which averages every covered pixel (antialiasing); when upscaling it
    /// is plain bilinear interpolation between the two nearest input pixels.
    /// </summary>
    public static ResampleCoefficients Bilinear(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize, filterScale = Math.Max(scale, 1.0), support = filterScale;
        var c = new ResampleCoefficients(outSize, (int)Math.Ceiling(support) * 2 + 1);
        var w = new double[c.KernelSize];
        for (int i = 0; i < outSize; i++)
        {
            double center = (i + 0.5) * scale;
            // Truncation toward zero, as Pillow's C casts, then clamped to the input.
            int lo = Math.Max((int)(center - support + 0.5), 0);
            int n = Math.Min((int)(center + support + 0.5), inSize) - lo;
            double total = 0;
            for (int k = 0; k < n; k++)
            {
                double t = Math.Abs((k + lo - center + 0.5) / filterScale);
                w[k] = t < 1 ? 1 - t : 0;
                total += w[k];
            }
            c.Store(i, lo, w.AsSpan(0, n), total);
        }
        return c;
    }

    /// <summary>
    /// Area (box) average: output pixel i averages input interval [i * s, (i + 1) * s), s = in / out, with
    /// pixels cut by the interval ends weighted by the fraction inside it.
    /// </summary>
    public static ResampleCoefficients Area(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize;
        var c = new ResampleCoefficients(outSize, (int)Math.Ceiling(scale) + 2);
        var w = new double[c.KernelSize];
        for (int i = 0; i < outSize; i++)
        {
            double a = i * scale, b = (i + 1) * scale;
            int lo = (int)Math.Floor(a), hi = Math.Min((int)Math.Ceiling(b), inSize);
            double total = 0;
            for (int k = 0; k < hi - lo; k++)
            {
                w[k] = Math.Max(0, Math.Min(b, lo + k + 1) - Math.Max(a, lo + k));
                total += w[k];
            }
            c.Store(i, lo, w.AsSpan(0, hi - lo), total);
        }
        return c;
    }

    /// <summary>Normalises the weights to sum 1 and rounds them half away from zero to fixed point.</summary>
    private void Store(int i, int start, ReadOnlySpan<double> w, double total)
    {
        Start[i] = start;
        Count[i] = w.Length;
        for (int k = 0; k < w.Length; k++)
        {
            double v = (total != 0 ? w[k] / total : w[k]) * (1 << PrecisionBits);
            Weights[i * KernelSize + k] = (int)(v < 0 ? v - 0.5 : v + 0.5);
        }
    }

    /// <summary>Weighted sum of <paramref name="count"/> values <paramref name="stride"/> apart, rounded and clamped to a byte.</summary>
    public byte Apply(int i, ReadOnlySpan<byte> src, int offset, int stride)
    {
        int sum = 1 << (PrecisionBits - 1); // adds 0.5 so the shift rounds to nearest
        int baseW = i * KernelSize;
        for (int k = 0; k < Count[i]; k++) sum += src[offset + k * stride] * Weights[baseW + k];
        return (byte)Math.Clamp(sum >> PrecisionBits, 0, 255);
    }
}
