using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.Nn;

/// <summary>Layer behaviour of the pooling, normalisation and dropout layers.</summary>
public class LayerBehaviourTests
{
    [Fact]
    public void BatchNormCountsTrainingBatchesOnlyAndUpdatesRunningStats()
    {
        var bn = new BatchNorm2d(2);
        var x = Tensor.Randn(new Rng(1), 4, 2, 3, 3) + 1f;
        bn.Forward(x);
        bn.Forward(x);
        Assert.Equal(2, bn.NumBatchesTracked.Value);
        Assert.NotEqual([0f, 0f], bn.RunningMean.Data);
        bn.Eval();
        bn.Forward(x);
        Assert.Equal(2, bn.NumBatchesTracked.Value);
    }

    /// <summary>Momentum null is a cumulative average (PyTorch's momentum=None): the running mean is the mean of the batch means.</summary>
    [Fact]
    public void BatchNormWithoutMomentumAveragesEveryBatchEqually()
    {
        var bn = new BatchNorm2d(1) { Momentum = null };
        bn.ResetRunningStats();
        foreach (float v in new[] { 1f, 2f, 6f })
            bn.Forward(new Tensor([v - 1, v + 1, v - 1, v + 1], [4, 1, 1, 1]));
        Assert.Equal(3f, bn.RunningMean.Data[0], 5);
        Assert.Equal(4f / 3f, bn.RunningVar.Data[0], 5);   // each batch's unbiased variance is 4/3
        Assert.Equal(3, bn.NumBatchesTracked.Value);
        bn.ResetRunningStats();
        Assert.Equal([0f], bn.RunningMean.Data); Assert.Equal([1f], bn.RunningVar.Data); Assert.Equal(0, bn.NumBatchesTracked.Value);
        Assert.Throws<ArgumentOutOfRangeException>(() => bn.Momentum = 1.5f);
    }

    [Fact]
    public void TinyNetRunsForwardAndBackward()
    {
        var net = new TinyNet();
        var y = net.Forward(Tensor.Randn(new Rng(2), 2, 3, 6, 6));
        Assert.Equal([2, 2], y.Shape);
        F.CrossEntropy(y, [0, 1]).Backward();
        Assert.All(net.Parameters(), p => Assert.NotNull(p.Grad));
    }

    [Fact]
    public void PoolingLayersProduceTheExpectedShapes()
    {
        var x = Tensor.Randn(new Rng(1), 1, 2, 8, 8);
        Assert.Equal([1, 2, 4, 4], new MaxPool2d(2).Forward(x).Shape);
        Assert.Equal([1, 2, 4, 4], new AvgPool2d(2).Forward(x).Shape);
        Assert.Equal([1, 2, 1, 1], new AdaptiveAvgPool2d().Forward(x).Shape);
    }

    [Fact]
    public void DropoutInTrainingZeroesRoughlyPAndScalesSurvivors()
    {
        var y = new Dropout(0.5f, seed: 7).Forward(Tensor.Ones(100, 100));
        int zeros = y.Data.Count(v => v == 0f);
        Assert.InRange(zeros, 4500, 5500);
        Assert.All(y.Data.Where(v => v != 0f), v => Assert.Equal(2f, v));
    }
}
