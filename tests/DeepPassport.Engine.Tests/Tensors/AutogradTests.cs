using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.Tensors;

public class AutogradTests
{
    [Fact]
    public void GradientsAccumulateAcrossBackwardCalls()
    {
        var x = new Tensor([1f, 2f], 2) { RequiresGrad = true };
        (x * x).Sum().Backward();
        (x * 3f).Sum().Backward();
        Assert.Equal([2f + 3f, 4f + 3f], x.Grad!.Data);
    }

    [Fact]
    public void SharedSubexpressionGetsBothPaths()
    {
        var x = new Tensor([3f], 1) { RequiresGrad = true };
        var y = x * x;            // used twice below
        (y + y * x).Sum().Backward();   // d/dx (x^2 + x^3) = 2x + 3x^2
        Assert.Equal(2 * 3f + 3 * 9f, x.Grad!.Data[0], 4);
    }

    [Fact]
    public void NoGradScopeRecordsNothing()
    {
        var x = new Tensor([1f], 1) { RequiresGrad = true };
        Tensor y;
        using (NoGrad.Scope()) y = x * 2f;
        Assert.False(y.RequiresGrad);
        Assert.True(NoGrad.IsRecording);
    }

    [Fact]
    public void DetachAndFrozenInputsStopGradients()
    {
        var x = new Tensor([2f], 1) { RequiresGrad = true };
        var frozen = new Tensor([5f], 1) { RequiresGrad = false };
        (x.Detach() * x + frozen * x).Sum().Backward();
        Assert.Equal(2f + 5f, x.Grad!.Data[0]);
        Assert.Null(frozen.Grad);
    }

    [Fact]
    public void BackwardOnNonScalarNeedsGradient()
    {
        var x = new Tensor([1f, 2f], 2) { RequiresGrad = true };
        Assert.Throws<InvalidOperationException>(() => (x * 2f).Backward());
        (x * 2f).Backward(new Tensor([1f, 10f], 2));
        Assert.Equal([2f, 20f], x.Grad!.Data);
    }

    [Fact]
    public void BackwardLeavesTheGivenGradientAloneInsideAScope()
    {
        // The seed is copied into the scope's storage; the caller's tensor keeps its values, and what the pool lends
        // after the backward pass is sound.
        var x = new Tensor([1f, 2f, 3f], 3) { RequiresGrad = true };
        var dy = new Tensor([1f, 10f, 100f], 3);
        using (TensorScope.Begin())
        {
            (x.Relu() * 2f).Backward(dy);
            Assert.Equal([2f, 20f, 200f], x.Grad!.Data);
            var later = (x * 3f).Relu();   // storage taken from the pool after the backward pass
            Assert.Equal([3f, 6f, 9f], later.Data);
        }
        Assert.Equal([1f, 10f, 100f], dy.Data);
    }

    [Fact]
    public void DeepChainDoesNotOverflowTheStack()
    {
        var x = new Tensor([1f], 1) { RequiresGrad = true };
        var y = x;
        for (int i = 0; i < 100_000; i++) y = y + 0f;
        y.Sum().Backward();
        Assert.Equal(1f, x.Grad!.Data[0]);
    }

    [Fact]
    public void BroadcastShapesAndErrors()
    {
        var a = Tensor.Ones(2, 3, 4); var b = Tensor.Ones(3, 1);
        Assert.Equal([2, 3, 4], (a + b).Shape);
        Assert.Throws<ArgumentException>(() => a + Tensor.Ones(2, 4));
        Assert.Throws<ArgumentException>(() => Tensor.Ones(3).Reshape(2, 2));
    }

    [Fact]
    public void CreationAndSeededRandomness()
    {
        Assert.Equal([0f, 1f, 2f], Tensor.Arange(3).Data);
        Assert.All(Tensor.Full(2.5f, 2, 2).Data, v => Assert.Equal(2.5f, v));
        Assert.Equal(Tensor.Randn(new Rng(1), 5).Data, Tensor.Randn(new Rng(1), 5).Data);
        var u = Tensor.Rand(new Rng(2), -1f, 1f, 1000);
        Assert.All(u.Data, v => Assert.InRange(v, -1f, 1f));
        var n = Tensor.Randn(new Rng(3), 20000);
        Assert.InRange(n.Mean().Item(), -0.03f, 0.03f);
        Assert.InRange((n * n).Mean().Item(), 0.95f, 1.05f);
    }
}
