using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.Nn;

public class InitTests
{
    private static (double Mean, double Std) Stats(Tensor t)
    {
        double mean = t.Data.Average(v => (double)v);
        double var = t.Data.Average(v => (v - mean) * (v - mean));
        return (mean, Math.Sqrt(var));
    }

    [Fact]
    public void FansOfConvAndLinearWeights()
    {
        Assert.Equal((27, 576), Init.Fans(new Tensor(64, 3, 3, 3)));
        Assert.Equal((4096, 10), Init.Fans(new Tensor(10, 4096)));
    }

    [Fact]
    public void KaimingNormalFanOutReluHasStdSqrtTwoOverFanOut()
    {
        var w = new Tensor(128, 64, 3, 3);
        Init.KaimingNormal(w, new Rng(1), FanMode.FanOut, Nonlinearity.Relu);
        var (mean, std) = Stats(w);
        double expected = Math.Sqrt(2.0 / (128 * 9));
        Assert.InRange(mean, -0.1 * expected, 0.1 * expected);
        Assert.InRange(std, expected * 0.98, expected * 1.02);
    }

    [Fact]
    public void XavierNormalAndUniformHaveTheGlorotVariance()
    {
        double expected = Math.Sqrt(2.0 / (300 + 200));
        var n = new Tensor(200, 300);
        Init.XavierNormal(n, new Rng(2));
        Assert.InRange(Stats(n).Std, expected * 0.98, expected * 1.02);

        var u = new Tensor(200, 300);
        Init.XavierUniform(u, new Rng(3));
        double bound = Math.Sqrt(6.0 / 500);
        Assert.All(u.Data, v => Assert.InRange(v, -bound, bound));
        Assert.InRange(Stats(u).Std, expected * 0.98, expected * 1.02);
    }

    [Fact]
    public void DefaultLayerInitIsUniformWithinOneOverSqrtFanIn()
    {
        var conv = new Conv2d(16, 32, 3, new Rng(4));
        double bound = 1 / Math.Sqrt(16 * 9);
        Assert.All(conv.Weight.Value.Data, v => Assert.InRange(v, -bound, bound));
        Assert.All(conv.Bias!.Value.Data, v => Assert.InRange(v, -bound, bound));
        // U(-b, b) has std b / sqrt(3).
        Assert.InRange(Stats(conv.Weight).Std, bound / Math.Sqrt(3) * 0.95, bound / Math.Sqrt(3) * 1.05);
        Assert.InRange(conv.Weight.Value.Data.Max(), bound * 0.9, bound);

        var lin = new Linear(100, 50, new Rng(5));
        Assert.All(lin.Weight.Value.Data, v => Assert.InRange(v, -0.1, 0.1));
        Assert.All(lin.Bias!.Value.Data, v => Assert.InRange(v, -0.1, 0.1));
    }

    [Fact]
    public void SameSeedGivesSameWeights()
    {
        Assert.Equal(new Linear(8, 4, new Rng(9)).Weight.Value.Data, new Linear(8, 4, new Rng(9)).Weight.Value.Data);
    }

    [Fact]
    public void GainsMatchTorchCalculateGain()
    {
        Assert.Equal(MathF.Sqrt(2f), Init.Gain(Nonlinearity.Relu));
        Assert.Equal(MathF.Sqrt(2f / 6f), Init.Gain(Nonlinearity.LeakyRelu, MathF.Sqrt(5f)), 6);
        Assert.Equal(5f / 3f, Init.Gain(Nonlinearity.Tanh));
    }
}
