using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Optim;
using DeepPassport.Engine.Tensors;
using static DeepPassport.Engine.Tests.Optim.OptimTestData;

namespace DeepPassport.Engine.Tests.Optim;

public class SgdTests
{
    /// <summary>torch.optim.SGD in double: d = g + wd w; b = d first, then m b + d; d = d + m b (nesterov) or b; w -= lr d.</summary>
    private static double[] Reference(double lr, double momentum, double wd, bool nesterov, int steps)
    {
        var w = (double[])W0.Clone();
        double[]? buf = null;
        for (int t = 0; t < steps; t++)
        {
            var d = new double[3];
            for (int i = 0; i < 3; i++) d[i] = Grads[t][i] + wd * w[i];
            if (momentum != 0)
            {
                if (buf is null) buf = (double[])d.Clone();
                else for (int i = 0; i < 3; i++) buf[i] = momentum * buf[i] + d[i];
                for (int i = 0; i < 3; i++) d[i] = nesterov ? d[i] + momentum * buf[i] : buf[i];
            }
            for (int i = 0; i < 3; i++) w[i] -= lr * d[i];
        }
        return w;
    }

    [Theory]
    [InlineData(0.1, 0.0, 0.0, false)]
    [InlineData(0.1, 0.9, 0.0, false)]
    [InlineData(0.05, 0.9, 5e-4, false)]
    [InlineData(0.05, 0.9, 0.01, true)]
    [InlineData(0.2, 0.0, 0.1, false)]
    public void ThreeStepsMatchTheTorchFormulas(double lr, double momentum, double wd, bool nesterov)
    {
        var p = NewParameter();
        var opt = new Sgd([p], (float)lr, (float)momentum, (float)wd, nesterov);
        for (int t = 0; t < 3; t++)
        {
            SetGrad(p, Grads[t]);
            opt.Step();
            AssertClose(Reference(lr, momentum, wd, nesterov, t + 1), p.Value.Data);
        }
    }

    [Fact]
    public void StepDoesNotModifyTheGradient()
    {
        var p = NewParameter();
        SetGrad(p, Grads[0]);
        new Sgd([p], 0.1f, momentum: 0.9f, weightDecay: 0.1f, nesterov: true).Step();
        AssertClose(Grads[0], p.Grad!.Data, 1e-7);
    }

    [Fact]
    public void FrozenParametersAndParametersWithoutGradientAreUntouched()
    {
        var trained = NewParameter();
        var frozen = NewParameter();
        var noGrad = NewParameter();
        var opt = new Sgd([trained, frozen, noGrad], 0.1f, momentum: 0.9f);
        SetGrad(trained, Grads[0]);
        SetGrad(frozen, Grads[0]);
        frozen.RequiresGrad = false;
        opt.Step();
        AssertClose(W0, frozen.Value.Data, 0);
        AssertClose(W0, noGrad.Value.Data, 0);
        AssertClose(Reference(0.1, 0.9, 0, false, 1), trained.Value.Data);
    }

    [Fact]
    public void ZeroGradDropsGradientsAndBackwardFeedsTheStep()
    {
        var p = NewParameter();
        var opt = new Sgd([p], 0.5f);
        (p.Value * p.Value).Sum().Backward(); // g = 2 w
        opt.Step();
        AssertClose(W0.Select(w => w - 0.5 * 2 * w).ToArray(), p.Value.Data);
        opt.ZeroGrad();
        Assert.Null(p.Grad);
    }

    [Fact]
    public void InvalidArgumentsAreRejected()
    {
        var p = NewParameter();
        Assert.Throws<ArgumentException>(() => new Sgd([p], 0.1f, nesterov: true));
        Assert.Throws<ArgumentException>(() => new Sgd([p, p], 0.1f));
        Assert.Throws<ArgumentException>(() => new Sgd(Array.Empty<Parameter>(), 0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([p], -1f));
    }
}
