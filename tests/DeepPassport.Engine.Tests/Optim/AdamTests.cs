using DeepPassport.Engine.Optim;
using static DeepPassport.Engine.Tests.Optim.OptimTestData;

namespace DeepPassport.Engine.Tests.Optim;

public class AdamTests
{
    /// <summary>torch.optim.Adam in double: d = g + wd w; m, v moving averages; w -= lr/bc1 · m / (sqrt(v)/sqrt(bc2) + eps).</summary>
    private static double[] Reference(double lr, double b1, double b2, double eps, double wd, int steps)
    {
        var w = (double[])W0.Clone();
        var m = new double[3];
        var v = new double[3];
        for (int t = 1; t <= steps; t++)
        {
            for (int i = 0; i < 3; i++)
            {
                double d = Grads[t - 1][i] + wd * w[i];
                m[i] = b1 * m[i] + (1 - b1) * d;
                v[i] = b2 * v[i] + (1 - b2) * d * d;
                double bc1 = 1 - Math.Pow(b1, t), bc2 = 1 - Math.Pow(b2, t);
                w[i] -= lr / bc1 * m[i] / (Math.Sqrt(v[i]) / Math.Sqrt(bc2) + eps);
            }
        }
        return w;
    }

    [Theory]
    [InlineData(1e-3, 0.9, 0.999, 1e-8, 0.0)]
    [InlineData(0.1, 0.8, 0.99, 1e-6, 0.0)]
    [InlineData(0.01, 0.9, 0.999, 1e-8, 0.05)]
    public void ThreeStepsMatchTheTorchFormulas(double lr, double b1, double b2, double eps, double wd)
    {
        var p = NewParameter();
        var opt = new Adam([p], (float)lr, (float)b1, (float)b2, (float)eps, (float)wd);
        for (int t = 0; t < 3; t++)
        {
            SetGrad(p, Grads[t]);
            opt.Step();
            AssertClose(Reference(lr, b1, b2, eps, wd, t + 1), p.Value.Data);
        }
    }

    [Fact]
    public void FirstStepMovesEachWeightByAboutTheLearningRate()
    {
        // With bias correction, step 1 is lr · g / (|g| + eps') = lr · sign(g).
        var p = NewParameter();
        SetGrad(p, Grads[0]);
        new Adam([p], 0.01f).Step();
        AssertClose(W0.Zip(Grads[0], (w, g) => w - 0.01 * Math.Sign(g)).ToArray(), p.Value.Data, 1e-5);
    }

    [Fact]
    public void FrozenParameterIsUntouchedAndItsStepCountDoesNotAdvance()
    {
        var p = NewParameter();
        var opt = new Adam([p], 0.1f);
        SetGrad(p, Grads[0]);
        p.RequiresGrad = false;
        opt.Step();
        AssertClose(W0, p.Value.Data, 0);

        // Unfrozen, its first real step must be a first step (bias correction with t = 1).
        p.RequiresGrad = true;
        SetGrad(p, Grads[0]);
        opt.Step();
        AssertClose(Reference(0.1, 0.9, 0.999, 1e-8, 0, 1), p.Value.Data);
    }

    [Fact]
    public void LoadingASavedStateUndoesTheStepsSinceAsIfNotTaken()
    {
        var p = NewParameter();
        var opt = new Adam([p], 0.1f, 0.5f, 0.999f, 1e-6f, 0.01f);
        SetGrad(p, Grads[0]);
        opt.Step();
        var state = new AdamState();
        opt.SaveState(state);

        SetGrad(p, Grads[1]);
        opt.Step();
        opt.Step();                                  // a second step on the same gradient, to undo with the first
        opt.LoadState(state);                        // the weights too
        SetGrad(p, Grads[1]);
        opt.Step();
        SetGrad(p, Grads[2]);
        opt.Step();
        // Steps 1, 2, 3 on Grads[0..2]: the undone steps left nothing behind, not even their step count.
        AssertClose(Reference(0.1, 0.5, 0.999, 1e-6, 0.01, 3), p.Value.Data);

        var other = new Adam([NewParameter(), NewParameter()], 0.1f);
        var e = Assert.Throws<ArgumentException>(() => other.LoadState(state));
        Assert.Contains("1 parameters", e.Message);
    }
}
