using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Optim;
using DeepPassport.Engine.Tensors;
using DeepPassport.Engine.Tests.Nn;

namespace DeepPassport.Engine.Tests.Tensors;

/// <summary>Pooled step storage: the same numbers as without it, far fewer allocations, and no stale reads.</summary>
[Collection(Serial.Name)]
public class TensorScopeTests
{
    [Fact]
    public void TensorsOfAClosedScopeRefuseToBeRead()
    {
        var outside = Tensor.Full(2f, 3);
        Tensor inside, view;
        using (TensorScope.Begin())
        {
            inside = outside * 3f;
            view = inside.Reshape(1, 3);
            Assert.Equal([6f, 6f, 6f], view.Data);
        }
        Assert.False(inside.IsAlive);
        var error = Assert.Throws<ObjectDisposedException>(() => inside.Data);
        Assert.Contains("TensorScope", error.Message);
        Assert.Throws<ObjectDisposedException>(() => view.Data);
        Assert.Equal([2f, 2f, 2f], outside.Data);   // made outside every scope: untouched
    }

    [Fact]
    public void ScopesCloseInnermostFirst()
    {
        var outer = TensorScope.Begin();
        var inner = TensorScope.Begin();
        Assert.Throws<InvalidOperationException>(() => outer.Dispose());
        inner.Dispose();
        outer.Dispose();
        Assert.False(TensorScope.IsActive);
    }

    [Fact]
    public void PooledStepsTrainExactlyAsUnpooledOnes()
    {
        var rng = new Rng(5);
        var x = Tensor.Randn(rng, 8, 3, 6, 6);
        int[] labels = [0, 1, 1, 0, 1, 0, 0, 1];
        float[] Train(bool pooled)
        {
            var net = new TinyNet(seed: 3);
            var sgd = new Sgd(net.Parameters(), 0.05f, momentum: 0.9f, weightDecay: 5e-4f);
            var losses = new List<float>();
            for (int step = 0; step < 4; step++)
            {
                using var scope = pooled ? TensorScope.Begin() : null;
                sgd.ZeroGrad();
                var loss = F.CrossEntropy(net.Forward(x), labels);
                losses.Add(loss.Item());
                loss.Backward();
                sgd.Step();
            }
            return [.. losses, .. net.Parameters().SelectMany(p => p.Value.Data)];
        }
        Assert.Equal(Train(pooled: false), Train(pooled: true));
    }

    [Fact]
    public void SteadyStateStepsReuseStorage()
    {
        var rng = new Rng(6);
        var net = new TinyNet(seed: 4);
        var sgd = new Sgd(net.Parameters(), 0.01f, momentum: 0.9f);
        var x = Tensor.Randn(rng, 64, 3, 6, 6);
        var labels = Enumerable.Range(0, 64).Select(i => i % 2).ToArray();
        long Step(bool pooled)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            using (pooled ? TensorScope.Begin() : null)
            {
                sgd.ZeroGrad();
                var loss = F.CrossEntropy(net.Forward(x), labels);
                loss.Backward();
                sgd.Step();
            }
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        for (int i = 0; i < 3; i++) { Step(false); Step(true); }
        long plain = Step(false), pooled = Step(true);
        // The activations and gradients (64 x 4 x 4 x 4 floats and up, ~40 KB of floats per tensor) no longer count.
        Assert.True(pooled < plain / 3, $"pooled step allocated {pooled} bytes, unpooled {plain}");
        Assert.True(TensorScope.PooledFloats > 0);
    }
}
