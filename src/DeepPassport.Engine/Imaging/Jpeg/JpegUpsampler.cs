namespace DeepPassport.Engine.Imaging;

/// <summary>
/// Brings a subsampled component to full resolution. For 2:1 ratios it uses libjpeg's "fancy" (triangle)
/// upsampling: each output sample is 3/4 of the nearer and 1/4 of the farther input sample, in each direction,
/// with the edge samples repeated. Other ratios replicate samples (box filter), as libjpeg does.
/// </summary>
internal static class JpegUpsampler
{
    /// <summary>
    /// Returns a <paramref name="width"/> x <paramref name="height"/> plane (stride = width) from the component's
    /// <paramref name="src"/> plane of <paramref name="srcStride"/> columns with valid size <c>c.Width x c.Height</c>.
    /// </summary>
    public static byte[] Upsample(byte[] src, int srcStride, JpegComponent c, int maxH, int maxV, int width, int height)
    {
        var dst = new byte[(long)width * height];
        bool h2 = maxH == 2 * c.H, v2 = maxV == 2 * c.V;
        if (h2 && v2) H2V2(src, srcStride, c.Width, c.Height, dst, width, height);
        else if (h2 && maxV == c.V) H2V1(src, srcStride, c.Width, dst, width, height);
        else if (v2 && maxH == c.H) H1V2(src, srcStride, c.Width, c.Height, dst, width, height);
        else Replicate(src, srcStride, c, maxH, maxV, dst, width, height);
        return dst;
    }

    /// <summary>
    /// 2x2: column sums s = 3*near + far over the two nearest input rows, then
    /// out(2i) = (3 s(i) + s(i-1) + 8) / 16 and out(2i+1) = (3 s(i) + s(i+1) + 7) / 16
    /// (the alternating rounding biases are libjpeg's, to avoid a systematic drift).
    /// </summary>
    private static void H2V2(byte[] src, int stride, int cw, int ch, byte[] dst, int width, int height)
    {
        var sums = new int[cw];
        for (int y = 0; y < height; y++)
        {
            int near = Math.Min(y >> 1, ch - 1);
            int far = Math.Clamp((y & 1) == 0 ? near - 1 : near + 1, 0, ch - 1);
            int nearRow = near * stride, farRow = far * stride;
            for (int i = 0; i < cw; i++) sums[i] = 3 * src[nearRow + i] + src[farRow + i];
            int o = y * width;
            for (int x = 0; x < width; x++)
            {
                int i = Math.Min(x >> 1, cw - 1);
                int value = (x & 1) == 0
                    ? (3 * sums[i] + sums[Math.Max(i - 1, 0)] + 8) >> 4
                    : (3 * sums[i] + sums[Math.Min(i + 1, cw - 1)] + 7) >> 4;
                dst[o + x] = (byte)value;
            }
        }
    }

    /// <summary>2x1: out(2i) = (3 in(i) + in(i-1) + 1) / 4, out(2i+1) = (3 in(i) + in(i+1) + 2) / 4.</summary>
    private static void H2V1(byte[] src, int stride, int cw, byte[] dst, int width, int height)
    {
        for (int y = 0; y < height; y++)
        {
            int row = y * stride, o = y * width;
            for (int x = 0; x < width; x++)
            {
                int i = Math.Min(x >> 1, cw - 1);
                int value = (x & 1) == 0
                    ? (3 * src[row + i] + src[row + Math.Max(i - 1, 0)] + 1) >> 2
                    : (3 * src[row + i] + src[row + Math.Min(i + 1, cw - 1)] + 2) >> 2;
                dst[o + x] = (byte)value;
            }
        }
    }

    /// <summary>1x2: out = (3 near + far + bias) / 4 with bias 1 for the upper and 2 for the lower output row.</summary>
    private static void H1V2(byte[] src, int stride, int cw, int ch, byte[] dst, int width, int height)
    {
        for (int y = 0; y < height; y++)
        {
            int near = Math.Min(y >> 1, ch - 1);
            bool upper = (y & 1) == 0;
            int far = Math.Clamp(upper ? near - 1 : near + 1, 0, ch - 1);
            int bias = upper ? 1 : 2;
            int o = y * width;
            for (int x = 0; x < width; x++)
            {
                int i = Math.Min(x, cw - 1);
                dst[o + x] = (byte)((3 * src[near * stride + i] + src[far * stride + i] + bias) >> 2);
            }
        }
    }

    /// <summary>Any other ratio: output (x, y) takes input (x * H / Hmax, y * V / Vmax).</summary>
    private static void Replicate(byte[] src, int stride, JpegComponent c, int maxH, int maxV, byte[] dst, int width, int height)
    {
        for (int y = 0; y < height; y++)
        {
            int sy = Math.Min((int)((long)y * c.V / maxV), c.Height - 1);
            int o = y * width, row = sy * stride;
            for (int x = 0; x < width; x++)
                dst[o + x] = src[row + Math.Min((int)((long)x * c.H / maxH), c.Width - 1)];
        }
    }
}
