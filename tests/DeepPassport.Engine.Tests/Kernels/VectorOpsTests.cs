using DeepPassport.Engine.Kernels;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.Kernels;

/// <summary>
/// The vector paths of the fused elementwise kernels, at every width this CPU accelerates, are held equal to their
/// scalar references, tails included.
/// </summary>
public class VectorOpsTests
{
    private static readonly int[] Lengths = [0, 1, 15, 16, 17, 33, 100, 1024];

    private static float[] R(Rng rng, int n) => Tensor.Randn(rng, Math.Max(n, 1)).Data[..n];

    private static void Near(float expected, float actual, int n) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-5f * (1 + Math.Abs(expected)) * (1 + MathF.Sqrt(n)), $"n={n}: {expected} vs {actual}");

    [Fact]
    public void ElementwiseMatchReference()
    {
        var rng = new Rng(11);
        foreach (int lanes in Lanes.Accelerated)
        foreach (int n in Lengths)
        {
            float[] x = R(rng, n), g = R(rng, n), e = new float[n], a = new float[n];
            VectorOps.Reference.ReluBackward(x, g, e); VectorOps.ReluBackward(x, g, a, lanes: lanes);
            Assert.Equal(e, a);
            VectorOps.Reference.AddRelu(x, g, e); VectorOps.AddRelu(x, g, a, lanes: lanes);
            Assert.Equal(e, a);
            VectorOps.Reference.LeakyRelu(x, 0.2f, e); VectorOps.LeakyRelu(x, 0.2f, a, lanes: lanes);
            Assert.Equal(e, a);
            VectorOps.Reference.LeakyReluBackward(x, g, 0.2f, e); VectorOps.LeakyReluBackward(x, g, 0.2f, a, lanes: lanes);
            Assert.Equal(e, a);
            VectorOps.Reference.Affine(x, 1.5f, -0.25f, e); VectorOps.Affine(x, 1.5f, -0.25f, a, lanes: lanes);
            for (int i = 0; i < n; i++) Near(e[i], a[i], 1);
            VectorOps.Reference.Combine(g, x, 0.7f, -1.3f, 0.2f, e); VectorOps.Combine(g, x, 0.7f, -1.3f, 0.2f, a, lanes: lanes);
            for (int i = 0; i < n; i++) Near(e[i], a[i], 1);
            // Batch norm's ReLU: the forward map, and the gate that lets g through only where 1.5 x − 0.25 > 0.
            VectorOps.Reference.AffineRelu(x, 1.5f, -0.25f, e); VectorOps.AffineRelu(x, 1.5f, -0.25f, a, lanes: lanes);
            Assert.Equal(e, a);
            var gate = ReluGate.After(1.5f, -0.25f);
            VectorOps.Reference.Combine(g, x, 0.7f, -1.3f, 0.2f, e, gate); VectorOps.Combine(g, x, 0.7f, -1.3f, 0.2f, a, gate, lanes: lanes);
            for (int i = 0; i < n; i++)
            {
                Near(e[i], a[i], 1);
                Near(MathF.FusedMultiplyAdd(x[i], 1.5f, -0.25f) > 0 ? 0.7f * g[i] - 1.3f * x[i] + 0.2f : -1.3f * x[i] + 0.2f, a[i], 1);
            }
        }
    }

    [Fact]
    public void SumsMatchReference()
    {
        var rng = new Rng(12);
        foreach (int lanes in Lanes.Accelerated)
        foreach (int n in Lengths)
        {
            float[] x = R(rng, n), g = R(rng, n);
            Near(VectorOps.Reference.CenteredSquares(x, 0.3f), VectorOps.CenteredSquares(x, 0.3f, lanes: lanes), n);
            var (eg, egx) = VectorOps.Reference.CenteredDot(g, x, -0.4f);
            var (ag, agx) = VectorOps.CenteredDot(g, x, -0.4f, lanes: lanes);
            Near(eg, ag, n); Near(egx, agx, n);
            var gate = ReluGate.After(-0.8f, 0.1f);
            (eg, egx) = VectorOps.Reference.CenteredDot(g, x, -0.4f, gate);
            (ag, agx) = VectorOps.CenteredDot(g, x, -0.4f, gate, lanes: lanes);
            Near(eg, ag, n); Near(egx, agx, n);
            float passed = Enumerable.Range(0, n).Where(i => -0.8f * x[i] + 0.1f > 0).Sum(i => g[i]);
            Near(passed, ag, n);
        }
    }

    [Fact]
    public void MaxPool2x2MatchesNaiveWindows()
    {
        var x = Tensor.Randn(new Rng(13), 2, 3, 7, 6);
        x.Data[5] = float.NaN; x.Data[40] = x.Data[41];   // a NaN and a tie
        var y = F.MaxPool2d(x, 2, 2);
        Assert.Equal([2, 3, 3, 3], y.Shape);
        for (int p = 0; p < 6; p++)
            for (int oy = 0; oy < 3; oy++)
                for (int ox = 0; ox < 3; ox++)
                {
                    float best = float.NegativeInfinity; bool first = true;
                    for (int ky = 0; ky < 2; ky++)
                        for (int kx = 0; kx < 2; kx++)
                        {
                            float v = x.Data[p * 42 + (2 * oy + ky) * 6 + 2 * ox + kx];
                            if (first || v > best || float.IsNaN(v)) { best = v; first = false; }
                        }
                    Assert.Equal(best, y.Data[p * 9 + oy * 3 + ox]);
                }
    }

    /// <summary>The vectorised 2x2 windows (16 at a time along a row, or two rows of 8) pick the same values and
    /// arg-maxes as the scalar order, NaNs and ties included, at widths that use each path and the scalar tail.</summary>
    [Theory]
    [InlineData(32, 6)] [InlineData(16, 7)] [InlineData(17, 5)] [InlineData(40, 4)] [InlineData(66, 3)] [InlineData(8, 8)]
    public void MaxPool2x2MatchesNaiveWindowsAtEveryWidth(int w, int h)
    {
        var rng = new Rng((ulong)(w * 31 + h));
        var x = Tensor.Randn(rng, 2, 3, h, w);
        for (int i = 0; i < x.Size; i += 37) x.Data[i] = float.NaN;
        for (int i = 3; i + 1 < x.Size; i += 29) x.Data[i + 1] = x.Data[i];   // ties
        x.RequiresGrad = true;
        var y = F.MaxPool2d(x, 2, 2);
        int oh = h / 2, ow = w / 2;
        var g = Tensor.Randn(rng, y.Shape);
        y.Backward(g);
        var expectedDx = new float[x.Size];
        for (int p = 0; p < 6; p++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                {
                    float best = 0; int bi = -1;
                    foreach (var (ky, kx) in new[] { (0, 0), (0, 1), (1, 0), (1, 1) })
                    {
                        int i = p * h * w + (2 * oy + ky) * w + 2 * ox + kx;
                        if (bi < 0 || x.Data[i] > best || float.IsNaN(x.Data[i])) { best = x.Data[i]; bi = i; }
                    }
                    int o = (p * oh + oy) * ow + ox;
                    Assert.Equal(best, y.Data[o]);
                    expectedDx[bi] += g.Data[o];
                }
        Assert.Equal(expectedDx, x.Grad!.Data);
    }

    /// <summary>
    /// Each vector path of the 2x2 windows the CPU has (16 with AVX-512, 8 with AVX2), asked for by name, picks the same
    /// values and arg-maxes as the scalar loop, NaNs and ties included: the model tests run only the widest path.
    /// </summary>
    [Theory]
    [InlineData(32, 6)] [InlineData(16, 7)] [InlineData(17, 5)] [InlineData(40, 4)] [InlineData(66, 3)] [InlineData(8, 8)]
    public void MaxPool2x2EveryWidthMatchesTheScalarLoop(int w, int h)
    {
        var rng = new Rng((ulong)(w * 17 + h));
        float[] x = Tensor.Randn(rng, h * w).Data;
        for (int i = 0; i < x.Length; i += 23) x[i] = float.NaN;
        for (int i = 5; i + 1 < x.Length; i += 13) x[i + 1] = x[i];   // ties
        int oh = h / 2, ow = w / 2;
        float[] expected = new float[oh * ow], actual = new float[oh * ow];
        int[] expectedArg = new int[oh * ow], actualArg = new int[oh * ow];
        F.MaxPool2x2(x, w, oh, ow, expected, expectedArg, 100, lanes: 1);
        foreach (int lanes in Lanes.Accelerated)
        {
            F.MaxPool2x2(x, w, oh, ow, actual, actualArg, 100, lanes);
            Assert.Equal(expected, actual);
            Assert.Equal(expectedArg, actualArg);
        }
    }

    [Fact]
    public void MaxPool2x2RefusesBuffersTooSmall()
    {
        var e = Assert.Throws<ArgumentException>(() => F.MaxPool2x2(new float[31], 8, 2, 4, new float[8], new int[8], 0));
        Assert.Contains("2 x 4 windows", e.Message);
        Assert.Throws<ArgumentException>(() => F.MaxPool2x2(new float[32], 8, 2, 4, new float[8], new int[7], 0));
    }
}
