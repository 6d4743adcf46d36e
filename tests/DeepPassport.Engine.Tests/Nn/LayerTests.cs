using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.Nn;

/// <summary>Layers whose forward pass needs only Conv2d, Linear and elementwise operators.</summary>
public class LayerTests
{
    [Fact]
    public void Conv2dHasPyTorchShapesAndMatchesTheFunctionalOperator()
    {
        var rng = new Rng(3);
        var conv = new Conv2d(3, 5, 3, rng, stride: 2, padding: 1);
        Assert.Equal([5, 3, 3, 3], conv.Weight.Shape);
        Assert.Equal([5], conv.Bias!.Shape);
        var x = Tensor.Randn(rng, 2, 3, 8, 8);
        var y = conv.Forward(x);
        Assert.Equal([2, 5, 4, 4], y.Shape);
        Assert.Equal(F.Conv2d(x, conv.Weight, conv.Bias, 2, 1).Data, y.Data);
    }

    [Fact]
    public void Conv2dWithoutBiasRegistersOnlyTheWeight()
    {
        var conv = new Conv2d(2, 4, 1, new Rng(1), bias: false);
        Assert.Null(conv.Bias);
        Assert.Equal(["weight"], conv.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void LinearComputesXWTransposePlusBiasAndGradientsReachParameters()
    {
        var lin = new Linear(3, 2, new Rng(1));
        lin.Weight.Value.Data.AsSpan().Clear();
        lin.Weight.Value[0, 0] = 1f; lin.Weight.Value[1, 2] = 2f;
        lin.Bias!.Value.Data[0] = 0.5f; lin.Bias.Value.Data[1] = -1f;
        var y = lin.Forward(Tensor.FromArray([1f, 2f, 3f], 1, 3));
        Assert.Equal([1.5f, 5f], y.Data);
        y.Sum().Backward();
        Assert.Equal([1f, 2f, 3f, 1f, 2f, 3f], lin.Weight.Grad!.Data);
        Assert.Equal([1f, 1f], lin.Bias.Grad!.Data);
    }

    [Fact]
    public void NormLayersHaveTheirPyTorchStateAndDefaults()
    {
        var bn = new BatchNorm2d(3);
        Assert.Equal(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"], bn.StateDict().Keys);
        Assert.Equal([1f, 1f, 1f], bn.Weight!.Value.Data);
        Assert.Equal([1f, 1f, 1f], bn.RunningVar.Data);
        Assert.Equal(["running_mean", "running_var", "num_batches_tracked"], new BatchNorm2d(3, affine: false).StateDict().Keys);
        Assert.Equal(["weight", "bias"], new GroupNorm(2, 4).StateDict().Keys);
        Assert.Empty(new InstanceNorm2d(4).StateDict());
        Assert.Equal(["weight", "bias"], new InstanceNorm2d(4, affine: true).StateDict().Keys);
        Assert.Throws<ArgumentException>(() => new GroupNorm(3, 4));
    }

    [Fact]
    public void FlattenReluAndIdentity()
    {
        var x = Tensor.FromArray([-1f, 2f, -3f, 4f], 1, 1, 2, 2);
        Assert.Equal([1, 4], new Flatten().Forward(x).Shape);
        Assert.Equal([0f, 2f, 0f, 4f], new ReLU().Forward(x).Data);
        Assert.Equal([-0.1f, 2f, -0.3f, 4f], new LeakyReLU(0.1f).Forward(x).Data);
        Assert.Same(x, new Identity().Forward(x));
    }

    [Fact]
    public void DropoutIsTheIdentityInEvaluationMode()
    {
        var drop = new Dropout(0.5f, seed: 1);
        drop.Eval();
        var x = Tensor.Ones(4, 4);
        Assert.Same(x, drop.Forward(x));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1f, seed: 1));
    }

    [Fact]
    public void PoolsDefaultTheStrideToTheKernel()
    {
        Assert.Equal(2, new MaxPool2d(2).Stride);
        Assert.Equal(3, new AvgPool2d(3).Stride);
        Assert.Equal(1, new MaxPool2d(3, 1, 1).Stride);
        Assert.Throws<NotSupportedException>(() => new AdaptiveAvgPool2d(2));
    }
}
