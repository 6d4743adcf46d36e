using DeepPassport.Engine.Optim;
using static DeepPassport.Engine.Tests.Optim.OptimTestData;

namespace DeepPassport.Engine.Tests.Optim;

public class MultiStepLRTests
{
    [Fact]
    public void RateDropsByGammaAtEachMilestoneAsInPyTorch()
    {
        var opt = new Sgd([NewParameter()], 0.1f);
        var sched = new MultiStepLR(opt, [5, 3], gamma: 0.1f);
        var rates = new List<float> { opt.LearningRate }; // epoch 0
        for (int epoch = 1; epoch <= 6; epoch++)
        {
            sched.Step();
            rates.Add(opt.LearningRate);
        }
        // PyTorch: [0.1, 0.1, 0.1, 0.01, 0.01, 0.001, 0.001] for epochs 0..6 with milestones [3, 5].
        double[] expected = [0.1, 0.1, 0.1, 0.01, 0.01, 0.001, 0.001];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], rates[i], 1e-7);
        Assert.Equal(6, sched.LastEpoch);
        Assert.Equal([3, 5], sched.Milestones);
    }

    [Fact]
    public void RepeatedMilestoneAppliesGammaTwice()
    {
        var opt = new Sgd([NewParameter()], 1f);
        var sched = new MultiStepLR(opt, [2, 2], gamma: 0.5f);
        sched.Step();
        Assert.Equal(1f, opt.LearningRate);
        sched.Step();
        Assert.Equal(0.25f, opt.LearningRate);
    }
}
