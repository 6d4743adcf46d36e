using DeepPassport.Engine.Kernels;
using DeepPassport.Engine.Tensors;
using DeepPassport.Engine.Tests.Tensors;
using Xunit;

namespace DeepPassport.Engine.Tests.Kernels;

/// <summary>The Winograd paths of Conv2d, F(2x2, 3x3), F(4x4, 3x3) and F(2x2, 5x5), against the im2col path, forward and every gradient.</summary>
public class WinogradTests
{
    private static Tensor R(ulong seed, params int[] shape) => Tensor.Randn(new Rng(seed), shape);

    /// <summary>
    /// The transpose under every NCHW &lt;-&gt; pixel-major move: 16 x 16 register blocks, 8 x 8 blocks and scalar edges, on
    /// strided rows (a row of an image read from planes h·w apart) and every edge combination.
    /// </summary>
    [Theory]
    [InlineData(16, 16)]
    [InlineData(64, 32)]
    [InlineData(33, 17)]
    [InlineData(17, 40)]
    [InlineData(8, 24)]
    [InlineData(40, 9)]
    [InlineData(5, 3)]
    public unsafe void TransposeMatchesNaive(int rows, int cols)
    {
        long srcStride = cols + 7, dstStride = rows + 3;
        float[] src = R(4, (int)(rows * srcStride)).Data, dst = new float[cols * dstStride];
        Array.Fill(dst, float.NaN);   // entries outside the transposed block must stay untouched
        fixed (float* ps = src, pd = dst) WinogradTransforms.Transpose(ps, srcStride, pd, dstStride, rows, cols);
        for (int j = 0; j < cols; j++)
            for (long i = 0; i < dstStride; i++)
                if (i < rows) Assert.Equal(src[i * srcStride + j], dst[j * dstStride + i]);
                else Assert.True(float.IsNaN(dst[j * dstStride + i]), $"({j}, {i}) written outside the block");
    }

    [Theory]
    [InlineData(1, 16, 16, 8, 8, true, 3)]     // one image
    [InlineData(5, 16, 24, 8, 8, true, 3)]     // AlexNet's 8x8 layers; 5 images in uneven chunks
    [InlineData(3, 17, 16, 8, 10, false, 3)]   // 17 channels (8 at a time and a scalar one), rows of 10 pixels (transposed as one matrix)
    [InlineData(2, 32, 32, 32, 32, true, 3)]   // ResNet-18's first stage: one image a chunk
    [InlineData(4, 64, 16, 4, 16, false, 3)]   // rows of 16 pixels (transposed row by row)
    [InlineData(3, 40, 24, 4, 4, true, 3)]     // ResNet-18's last stage: one tile an image
    [InlineData(2, 17, 19, 8, 8, true, 3)]     // 17 x 19 filters: the filter transforms end in a scalar tail
    [InlineData(2, 16, 16, 2, 34, true, 3)]    // one row of 17 tiles
    [InlineData(3, 64, 48, 16, 16, true, 5)]   // AlexNet's conv2 (64 -> 192 at 16x16), fewer channels out
    [InlineData(2, 17, 19, 6, 10, false, 5)]   // 5x5 with scalar channel and filter tails, rows of 10 pixels
    [InlineData(5, 16, 16, 4, 4, true, 5)]     // 5x5 on 4x4 planes: the border is wider than half the image
    [InlineData(2, 140, 12, 16, 16, true, 3)]  // the ISN's last convolution: 12 channels out (8 at a time and four scalar)
    [InlineData(3, 32, 4, 8, 8, false, 3)]     // 4 channels out: the output transform is all scalar
    [InlineData(2, 24, 5, 8, 12, true, 5)]     // 5x5, 5 channels out, rows of 12 pixels
    public void MatchesIm2Col(int n, int inC, int outC, int h, int w, bool bias, int k)
    {
        var g = new ConvGeometry(inC, h, w, outC, k, k, 1, (k - 1) / 2);
        Assert.NotEqual(WinogradKind.None, g.Winograd);
        Compare(n, g, bias, g.Winograd);
        if (g.Winograd == WinogradKind.F4x3) Compare(n, g, bias, WinogradKind.F2x3);   // both 3x3 schemes at sides of 4
    }

    [Theory]
    [InlineData(1, 16, 16, 8, 8, true)]     // one image of 4 tiles
    [InlineData(3, 17, 19, 4, 12, false)]   // scalar tails, rows of 12 pixels (transposed as one matrix)
    [InlineData(2, 24, 16, 16, 16, true)]
    public void F4x3MatchesIm2Col(int n, int inC, int outC, int h, int w, bool bias) =>
        Compare(n, new ConvGeometry(inC, h, w, outC, 3, 3, 1, 1), bias, WinogradKind.F4x3);

    [Theory]
    [InlineData(1, 16, 16, 8, 8, true)]      // one image of 4 tiles
    [InlineData(3, 17, 19, 4, 12, false)]    // scalar channel and filter tails, rows of 12 pixels
    [InlineData(2, 64, 48, 16, 16, true)]    // AlexNet's conv2 (64 -> 192 at 16x16), fewer channels out
    [InlineData(2, 16, 24, 4, 4, true)]      // the 5x5 border is wider than half the 4x4 image
    public void F4x5MatchesIm2Col(int n, int inC, int outC, int h, int w, bool bias)
    {
        var g = new ConvGeometry(inC, h, w, outC, 5, 5, 1, 2);
        Compare(n, g, bias, WinogradKind.F4x5);
        Compare(n, g, bias, WinogradKind.F2x5);   // both 5x5 schemes at sides of 4
    }

    private static void Compare(int n, ConvGeometry g, bool bias, WinogradKind kind)
    {
        int inC = g.InC, outC = g.OutC, h = g.InH, w = g.InW, k = g.KH;
        Tensor[] Inputs() => bias ? [R(1, n, inC, h, w), R(2, outC, inC, k, k), R(3, outC)] : [R(1, n, inC, h, w), R(2, outC, inC, k, k)];
        (Tensor Y, Tensor[] Grads) Run(Func<Tensor[], Tensor> conv)
        {
            var t = Inputs();
            foreach (var v in t) v.RequiresGrad = true;
            var y = conv(t);
            (y * R(4, y.Shape)).Sum().Backward();
            return (y, t.Select(v => v.Grad!).ToArray());
        }
        var (yr, gr) = Run(t => F.Conv2dIm2Col(t[0], t[1], bias ? t[2] : null, g));
        // Both ways of splitting the work: chunks of images, and the batch position by position.
        foreach (var order in new[] { WinogradOrder.ByChunk, WinogradOrder.ByPosition })
        {
            var (yw, gw) = Run(t => F.Conv2dWinograd(t[0], t[1], bias ? t[2] : null, g, kind, order));
            Near(yr, yw, $"{kind} {order} y");
            for (int i = 0; i < gr.Length; i++) Near(gr[i], gw[i], $"{kind} {order} grad {i}");
        }
    }

    /// <summary>
    /// Relative to the largest magnitude: F(2x2, 3x3) adds and halves, it does not lose more than a few ulps of it;
    /// F(4x4, 3x3) and F(2x2, 5x5) multiply by up to 16 and divide by 24, a few ulps more; F(4x4, 5x5) by up to 64 and
    /// divides by 90, of the same order (simulated in float32, a few 1e-6 of the largest output).
    /// </summary>
    private static void Near(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        float scale = expected.Data.Max(MathF.Abs);
        for (int i = 0; i < expected.Size; i++)
            Assert.True(MathF.Abs(expected.Data[i] - actual.Data[i]) <= 2e-5f * scale + 1e-6f, $"{what}[{i}]: {actual.Data[i]} vs im2col {expected.Data[i]}");
    }

    [Fact]
    public void Im2ColOnlyScopeTurnsWinogradOffOnThisThread()
    {
        var (x, w) = (R(1, 2, 16, 8, 8), R(2, 16, 16, 3, 3));
        var g = new ConvGeometry(16, 8, 8, 16, 3, 3, 1, 1);
        var byIm2Col = F.Conv2dIm2Col(x, w, null, g).Data;
        Assert.NotEqual(byIm2Col, F.Conv2d(x, w, null, 1, 1).Data);   // Winograd rounds differently
        using (Im2ColOnly.Scope())
        {
            Assert.True(Im2ColOnly.IsActive);
            Assert.Equal(byIm2Col, F.Conv2d(x, w, null, 1, 1).Data);
        }
        Assert.False(Im2ColOnly.IsActive);
        Assert.Equal(F.Conv2dWinograd(x, w, null, g, WinogradKind.F4x3).Data, F.Conv2d(x, w, null, 1, 1).Data);
    }

    [Fact]
    public void SchemeByGeometry()
    {
        Assert.Equal(WinogradKind.F4x3, new ConvGeometry(64, 8, 8, 64, 3, 3, 1, 1).Winograd);
        Assert.Equal(WinogradKind.F4x3, new ConvGeometry(512, 4, 4, 512, 3, 3, 1, 1).Winograd);   // ResNet-18's last stage
        Assert.Equal(WinogradKind.F2x3, new ConvGeometry(64, 6, 10, 64, 3, 3, 1, 1).Winograd);
        Assert.Equal(WinogradKind.None, new ConvGeometry(16, 7, 8, 16, 3, 3, 1, 1).Winograd);
        Assert.Equal(WinogradKind.None, new ConvGeometry(3, 32, 32, 64, 3, 3, 1, 1).Winograd);
        Assert.Equal(WinogradKind.None, new ConvGeometry(64, 32, 32, 64, 3, 3, 2, 1).Winograd);
        Assert.Equal(WinogradKind.None, new ConvGeometry(64, 32, 32, 64, 5, 5, 1, 1).Winograd);
        Assert.Equal(WinogradKind.None, new ConvGeometry(3, 32, 32, 64, 5, 5, 1, 2).Winograd);
        Assert.Equal(WinogradKind.None, new ConvGeometry(64, 32, 32, 64, 7, 7, 1, 3).Winograd);
        Assert.Equal(WinogradKind.None, new ConvGeometry(64, 32, 32, 64, 3, 5, 1, 1).Winograd);
        Assert.Equal(WinogradKind.F4x5, new ConvGeometry(64, 16, 16, 192, 5, 5, 1, 2).Winograd);
        Assert.Equal(WinogradKind.F2x5, new ConvGeometry(64, 6, 16, 192, 5, 5, 1, 2).Winograd);
        Assert.Equal(WinogradKind.None, new ConvGeometry(512, 2, 2, 512, 3, 3, 1, 1).Winograd);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void GradientCheck(int k) =>
        GradCheck.Check(t => F.Conv2d(t[0], t[1], t[2], 1, (k - 1) / 2), [R(1, 2, 16, 6, 8), R(2, 16, 16, k, k), R(3, 16)]);

    /// <summary>
    /// The loss is linear in every input, so the central difference is exact for any step: a step of 0.25 instead of
    /// 0.01 keeps float32 rounding (F(4x4, 5x5) scales values by up to 64 inside a tile) from swamping the difference.
    /// </summary>
    [Fact]
    public void GradientCheckF4x5()
    {
        var g = new ConvGeometry(16, 8, 8, 16, 5, 5, 1, 2);
        GradCheck.Check(t => F.Conv2dWinograd(t[0], t[1], t[2], g, WinogradKind.F4x5), [R(1, 2, 16, 8, 8), R(2, 16, 16, 5, 5), R(3, 16)], eps: 0.25f);
    }

    [Fact]
    public void GradientCheckF4x3()
    {
        var g = new ConvGeometry(16, 8, 8, 16, 3, 3, 1, 1);
        Assert.Equal(WinogradKind.F4x3, g.Winograd);
        GradCheck.Check(t => F.Conv2dWinograd(t[0], t[1], t[2], g, WinogradKind.F4x3), [R(1, 2, 16, 8, 8), R(2, 16, 16, 3, 3), R(3, 16)]);
    }

    /// <summary>
    /// The filter transform writes every U[ξ] straight into GEMM panels: each value where the panel layout puts it
    /// (K blocks of 256 rows, panels of nr columns, row by row), the columns past the last filter zero, for every ISA's
    /// panel width, both directions, two K blocks (300 rows), column tails and banks large enough to be streamed. The reference is the scheme's one-filter
    /// transform into a plain [ξ][row][col] array; the layout is written out here from its definition.
    /// </summary>
    [Theory]
    [InlineData(false, 300, 40)]   // rows c (two K blocks), columns o (a panel and a tail of 8)
    [InlineData(true, 300, 40)]    // flipped: rows o, columns c
    [InlineData(false, 17, 19)]
    [InlineData(true, 64, 96)]
    [InlineData(false, 300, 128)]  // banks over 4 MB (AVX2 and AVX-512 panels): streamed past the caches
    [InlineData(true, 128, 300)]
    public unsafe void FilterBankIsPackedAsGemmReadsIt(bool flipped, int rows, int columns)
    {
        int outC = flipped ? rows : columns, inC = flipped ? columns : rows, positions = 36, k = 9;
        float[] weight = R(5, outC, inC, 3, 3).Data;
        var plain = new float[positions * rows * columns];
        fixed (float* pw = weight, pp = plain)
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < columns; j++)
                {
                    // non-flipped: filter (o = j, c = r); flipped: filter (o = r, c = j) with its taps reversed
                    float* g = pw + ((long)(flipped ? r : j) * inC + (flipped ? j : r)) * k;
                    WinogradF4x3.Filter<Lanes1>(flipped ? g + k - 1 : g, flipped ? -1 : 1, pp + (long)r * columns + j, rows * columns);
                }
        Gemm.Isa[] isas = Gemm.Best == Gemm.Isa.Avx512 ? [Gemm.Isa.Scalar, Gemm.Isa.Avx2Fma, Gemm.Isa.Avx512]
            : Gemm.Best == Gemm.Isa.Avx2Fma ? [Gemm.Isa.Scalar, Gemm.Isa.Avx2Fma] : [Gemm.Isa.Scalar];
        foreach (var isa in isas)
        {
            using var bank = new PackedB(isa, rows, columns, positions);
            Array.Fill(bank.Data, float.NaN);
            WinogradTransforms.Filter<WinogradF4x3>(weight, bank, outC, inC, flipped);
            int nr = isa switch { Gemm.Isa.Avx512 => 32, Gemm.Isa.Avx2Fma => 16, _ => 4 }, panels = (columns + nr - 1) / nr;
            for (int xi = 0; xi < positions; xi++)
                for (int r = 0; r < rows; r++)
                    for (int j = 0; j < panels * nr; j++)
                    {
                        int p0 = r / 256 * 256, kc = Math.Min(256, rows - p0);
                        long at = bank.Start + xi * bank.Stride + (long)panels * nr * p0 + (long)(j / nr) * nr * kc + (r - p0) * nr + j % nr;
                        float expected = j < columns ? plain[((long)xi * rows + r) * columns + j] : 0f;
                        Assert.True(expected == bank.Data[at], $"{isa} flipped={flipped} U[{xi}][{r}][{j}]: {bank.Data[at]} vs {expected}");
                    }
        }
    }
}
