using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.Nn;

public class ModuleTests
{
    [Fact]
    public void NamedParametersUseDottedPyTorchNamesInRegistrationOrder()
    {
        var net = new TinyNet();
        Assert.Equal(
            ["features.0.weight", "features.0.bias", "features.1.weight", "features.1.bias", "classifier.weight", "classifier.bias"],
            net.NamedParameters().Select(p => p.Name));
        Assert.Equal(["features.1.running_mean", "features.1.running_var"], net.NamedBuffers().Select(b => b.Name));
        Assert.Equal(["features.1.num_batches_tracked"], net.NamedInt64Buffers().Select(b => b.Name));
        Assert.Equal(4 * 3 * 9 + 4 + 4 + 4 + 2 * 64 + 2, net.ParameterCount());
    }

    [Fact]
    public void NamedModulesAndGetSubmoduleWalkTheTree()
    {
        var net = new TinyNet();
        Assert.Equal(["", "features", "features.0", "features.1", "features.2", "classifier"], net.NamedModules().Select(m => m.Name));
        Assert.IsType<BatchNorm2d>(net.GetSubmodule("features.1"));
        Assert.Same(net, net.GetSubmodule(""));
        var ex = Assert.Throws<ArgumentException>(() => net.GetSubmodule("features.9"));
        Assert.Contains("features.9", ex.Message);
    }

    [Fact]
    public void TrainAndEvalPropagateToEveryDescendant()
    {
        var net = new TinyNet();
        Assert.All(net.NamedModules(), m => Assert.True(m.Module.IsTraining));
        net.Eval();
        Assert.All(net.NamedModules(), m => Assert.False(m.Module.IsTraining));
        net.Train();
        Assert.All(net.NamedModules(), m => Assert.True(m.Module.IsTraining));
    }

    [Fact]
    public void DuplicateOrDottedNamesAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new BadNames(duplicate: true));
        Assert.Throws<ArgumentException>(() => new BadNames(duplicate: false));
    }

    [Fact]
    public void ParametersRequireGradUntilFrozen()
    {
        var p = new Parameter(Tensor.Ones(3));
        Assert.True(p.RequiresGrad);
        p.Grad = Tensor.Ones(3);
        p.Freeze();
        Assert.False(p.RequiresGrad);
        Assert.Null(p.Grad);
        p.Unfreeze();
        Assert.True(p.Value.RequiresGrad);
    }

    [Fact]
    public void SequentialNamesChildrenByIndexAndRunsThemInOrder()
    {
        var seq = new Sequential(new Identity(), new ReLU(), new LeakyReLU(0.5f));
        Assert.Equal(["0", "1", "2"], seq.NamedChildren().Select(c => c.Name));
        var y = seq.Forward(Tensor.FromArray([-2f, 3f], 2));
        Assert.Equal([0f, 3f], y.Data);
        Assert.IsType<ReLU>(seq[1]);
    }

    private sealed class BadNames : Module
    {
        public BadNames(bool duplicate)
        {
            if (duplicate)
            {
                RegisterParameter("w", new Parameter(1));
                RegisterBuffer("w", Tensor.Zeros(1));
            }
            else RegisterModule("a.b", new Identity());
        }

        public override Tensor Forward(Tensor input) => input;
    }
}
