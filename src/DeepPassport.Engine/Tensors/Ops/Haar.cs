namespace DeepPassport.Engine.Tensors;

public static partial class F
{
    /// <summary>
    /// Orthonormal Haar wavelet transform of [N, C, H, W] (H, W even) into [N, 4C, H/2, W/2], bands ordered
    /// [LL of every channel, HL of every channel, LH ..., HH ...] (HiNet / Steganographic Passport order). For each 2x2
    /// block a = x[2i,2j], b = x[2i+1,2j], c = x[2i,2j+1], d = x[2i+1,2j+1]:
    /// LL = (a+b+c+d)/2, HL = (-a-b+c+d)/2, LH = (-a+b-c+d)/2, HH = (a-b-c+d)/2.
    /// The matrix is orthogonal, so its adjoint is its inverse: the gradient of the DWT is the IWT of the gradient.
    /// </summary>
    public static Tensor HaarDwt(Tensor x)
    {
        if (x.Rank != 4 || x.Shape[2] % 2 != 0 || x.Shape[3] % 2 != 0)
            throw new ArgumentException($"{nameof(HaarDwt)}: input must be [N, C, H, W] with even H and W, got {x.ShapeString}.");
        var y = new Tensor(x.Shape[0], 4 * x.Shape[1], x.Shape[2] / 2, x.Shape[3] / 2);
        Dwt(x.Data, y.Data, x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]);
        return Tensor.Record(y, x, g => { var d = TensorScope.Rent(x.Size); Iwt(g.Data, d, x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]); x.AccumulateGradOwned(d); });
    }

    /// <summary>The inverse of <see cref="HaarDwt"/>: [N, 4C, h, w] to [N, C, 2h, 2w]; a = (LL-HL-LH+HH)/2, b = (LL-HL+LH-HH)/2,
    /// c = (LL+HL-LH-HH)/2, d = (LL+HL+LH+HH)/2.</summary>
    public static Tensor HaarIwt(Tensor x)
    {
        if (x.Rank != 4 || x.Shape[1] % 4 != 0)
            throw new ArgumentException($"{nameof(HaarIwt)}: input must be [N, 4C, h, w], got {x.ShapeString}.");
        int n = x.Shape[0], c = x.Shape[1] / 4, h = 2 * x.Shape[2], w = 2 * x.Shape[3];
        var y = new Tensor(n, c, h, w);
        Iwt(x.Data, y.Data, n, c, h, w);
        return Tensor.Record(y, x, g => { var d = TensorScope.Rent(x.Size); Dwt(g.Data, d, n, c, h, w); x.AccumulateGradOwned(d); });
    }

    /// <summary>Image [n, c, h, w] to bands [n, 4c, h/2, w/2].</summary>
    private static void Dwt(ReadOnlySpan<float> x, Span<float> y, int n, int c, int h, int w)
    {
        int hh = h / 2, hw = w / 2, band = c * hh * hw;
        for (int s = 0; s < n; s++)
            for (int ch = 0; ch < c; ch++)
            {
                var src = x.Slice((s * c + ch) * h * w, h * w);
                int o = s * 4 * band + ch * hh * hw;
                for (int i = 0; i < hh; i++)
                    for (int j = 0; j < hw; j++, o++)
                    {
                        float a = src[2 * i * w + 2 * j], b = src[(2 * i + 1) * w + 2 * j];
                        float cc = src[2 * i * w + 2 * j + 1], d = src[(2 * i + 1) * w + 2 * j + 1];
                        y[o] = 0.5f * (a + b + cc + d);
                        y[o + band] = 0.5f * (-a - b + cc + d);
                        y[o + 2 * band] = 0.5f * (-a + b - cc + d);
                        y[o + 3 * band] = 0.5f * (a - b - cc + d);
                    }
            }
    }

    /// <summary>Bands [n, 4c, h/2, w/2] to image [n, c, h, w].</summary>
    private static void Iwt(ReadOnlySpan<float> x, Span<float> y, int n, int c, int h, int w)
    {
        int hh = h / 2, hw = w / 2, band = c * hh * hw;
        for (int s = 0; s < n; s++)
            for (int ch = 0; ch < c; ch++)
            {
                var dst = y.Slice((s * c + ch) * h * w, h * w);
                int o = s * 4 * band + ch * hh * hw;
                for (int i = 0; i < hh; i++)
                    for (int j = 0; j < hw; j++, o++)
                    {
                        float ll = x[o], hl = x[o + band], lh = x[o + 2 * band], hhv = x[o + 3 * band];
                        dst[2 * i * w + 2 * j] = 0.5f * (ll - hl - lh + hhv);
                        dst[(2 * i + 1) * w + 2 * j] = 0.5f * (ll - hl + lh - hhv);
                        dst[2 * i * w + 2 * j + 1] = 0.5f * (ll + hl - lh - hhv);
                        dst[(2 * i + 1) * w + 2 * j + 1] = 0.5f * (ll + hl + lh + hhv);
                    }
            }
    }
}
