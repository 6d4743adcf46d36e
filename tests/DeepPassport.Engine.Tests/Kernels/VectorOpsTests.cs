using DeepPassport.Engine.Kernels;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.Kernels;

/// <summary>The vector paths of the fused elementwise kernels are held equal to their scalar references, tails included.</summary>
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
        foreach (int n in Lengths)
        {
            float[] x = R(rng, n), g = R(rng, n), e = new float[n], a = new float[n];
            VectorOps.Reference.ReluBackward(x, g, e); VectorOps.ReluBackward(x, g, a);
            Assert.Equal(e, a);
            VectorOps.Reference.Affine(x, 1.5f, -0.25f, e); VectorOps.Affine(x, 1.5f, -0.25f, a);
            for (int i = 0; i < n; i++) Near(e[i], a[i], 1);
            VectorOps.Reference.Combine(g, x, 0.7f, -1.3f, 0.2f, e); VectorOps.Combine(g, x, 0.7f, -1.3f, 0.2f, a);
            for (int i = 0; i < n; i++) Near(e[i], a[i], 1);
        }
    }

    [Fact]
    public void SumsMatchReference()
    {
        var rng = new Rng(12);
        foreach (int n in Lengths)
        {
            float[] x = R(rng, n), g = R(rng, n);
            Near(VectorOps.Reference.CenteredSquares(x, 0.3f), VectorOps.CenteredSquares(x, 0.3f), n);
            var (eg, egx) = VectorOps.Reference.CenteredDot(g, x, -0.4f);
            var (ag, agx) = VectorOps.CenteredDot(g, x, -0.4f);
            Near(eg, ag, n); Near(egx, agx, n);
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
}
