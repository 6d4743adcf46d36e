using DeepPassport.Engine.Kernels;
using DeepPassport.Engine.Tensors;
using Xunit;

namespace DeepPassport.Engine.Tests.Tensors;

/// <summary>
/// The im2col convolution, all three passes, against the direct convolution written out as loops, on batches that the
/// chunk plan (<see cref="ConvChunks"/>) splits both ways: several small images a chunk (the product in chunk layout,
/// scattered into NCHW and gathered back) and one image of 256 or more output pixels a chunk (written straight).
/// </summary>
public class Conv2dIm2ColTests
{
    [Theory]
    [InlineData(6, 3, 5, 8, 8, 3, 1, 1)]      // same width, 64 pixels an image: several images a chunk
    [InlineData(6, 3, 5, 16, 16, 3, 1, 1)]    // 256 pixels: one image a chunk
    [InlineData(5, 4, 6, 32, 32, 1, 2, 0)]    // ResNet's 1x1 stride-2 shortcut at 32x32: 256 pixels out
    [InlineData(7, 4, 6, 8, 8, 3, 2, 1)]      // halving, 16 pixels out
    [InlineData(5, 3, 4, 16, 16, 1, 1, 0)]    // pointwise, straight to GEMM
    [InlineData(6, 2, 3, 17, 17, 3, 2, 0)]    // strided gather, odd sides, 64 pixels out
    [InlineData(3, 3, 4, 18, 18, 5, 1, 2)]    // 5x5, 324 pixels: one image a chunk
    public void MatchesTheDirectConvolution(int n, int inC, int outC, int h, int w, int k, int stride, int padding)
    {
        var g = new ConvGeometry(inC, h, w, outC, k, k, stride, padding);
        var rng = new Rng(5);
        Tensor Random(params int[] shape)
        {
            var t = Tensor.Randn(rng, shape);
            t.RequiresGrad = true;
            return t;
        }
        var x = Random(n, inC, h, w);
        var weight = Random(outC, inC, k, k);
        var bias = Random(outC);
        var dy = Random(n, outC, g.OutH, g.OutW).Data;

        var y = F.Conv2dIm2Col(x, weight, bias, g);
        (y * new Tensor(dy, y.Shape)).Sum().Backward();

        // y[i, o, oy, ox] = b[o] + Σ x[i, c, oy·s + ki − p, ox·s + kj − p] w[o, c, ki, kj]; each product also adds
        // dy·w into dx and dy·x into dW, and db[o] = Σ dy[., o, ., .].
        var expectedY = new double[y.Size];
        var dx = new double[x.Size];
        var dw = new double[weight.Size];
        var db = new double[outC];
        for (int i = 0; i < n; i++)
            for (int o = 0; o < outC; o++)
                for (int oy = 0; oy < g.OutH; oy++)
                    for (int ox = 0; ox < g.OutW; ox++)
                    {
                        int at = ((i * outC + o) * g.OutH + oy) * g.OutW + ox;
                        double sum = bias.Data[o];
                        db[o] += dy[at];
                        for (int c = 0; c < inC; c++)
                            for (int ki = 0; ki < k; ki++)
                                for (int kj = 0; kj < k; kj++)
                                {
                                    int iy = oy * stride + ki - padding, ix = ox * stride + kj - padding;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                    int xi = ((i * inC + c) * h + iy) * w + ix, wi = ((o * inC + c) * k + ki) * k + kj;
                                    sum += (double)x.Data[xi] * weight.Data[wi];
                                    dx[xi] += (double)dy[at] * weight.Data[wi];
                                    dw[wi] += (double)dy[at] * x.Data[xi];
                                }
                        expectedY[at] = sum;
                    }
        Near(expectedY, y.Data, "y");
        Near(dx, x.Grad!.Data, "dx");
        Near(dw, weight.Grad!.Data, "dW");
        Near(db, bias.Grad!.Data, "db");
    }

    /// <summary>float32 sums of up to a few thousand terms of order one: within 1e-4 of the largest magnitude.</summary>
    private static void Near(double[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * scale, $"{what}[{i}]: {actual[i]} vs direct {expected[i]}");
    }

    /// <summary>
    /// Every chunk plan covers the batch once, in order, and splits it into no more chunks than images; ResNet-18's
    /// 256 -> 512 stride-2 layer (16 output pixels, 14 images of im2col would fill the 2 MB target) takes chunks of 16
    /// on 2 or 4 workers, a whole number a worker, not five of 14.
    /// </summary>
    [Fact]
    public void ChunkPlansCoverTheBatchOnce()
    {
        var geometries = new[]
        {
            new ConvGeometry(256, 8, 8, 512, 3, 3, 2, 1), new ConvGeometry(128, 16, 16, 256, 3, 3, 2, 1),
            new ConvGeometry(3, 32, 32, 64, 5, 5, 1, 2), new ConvGeometry(256, 8, 8, 512, 1, 1, 2, 0),
            new ConvGeometry(7, 9, 9, 5, 3, 3, 1, 0),
        };
        foreach (var g in geometries)
            for (int n = 1; n <= 130; n++)
            {
                var plan = new ConvChunks(n, g);
                Assert.InRange(plan.Count, 1, n);
                int next = 0;
                for (int c = 0; c < plan.Count; c++)
                {
                    var (first, count) = plan.Range(c);
                    Assert.Equal(next, first);
                    Assert.True(count >= 1, $"chunk {c} of {plan.Count} for {n} images is empty");
                    next += count;
                }
                Assert.Equal(n, next);
            }
        if (Parallelism.Degree is 2 or 4)
            Assert.Equal(16, new ConvChunks(64, geometries[0]).Range(0).Count);
    }
}
