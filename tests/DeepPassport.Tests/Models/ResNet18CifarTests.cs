using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;

namespace DeepPassport.Tests.Models;

public class ResNet18CifarTests
{
    [Fact]
    public void ParameterCountMatchesPyTorchForTenClasses()
    {
        Assert.Equal(11_173_962, new ResNet18Cifar(10).ParameterCount());
    }

    [Fact]
    public void NamesFollowThePyTorchModuleTree()
    {
        var net = new ResNet18Cifar(10);
        var names = net.StateDict().Keys.ToHashSet();
        Assert.Contains("convbnrelu_1.conv.weight", names);
        Assert.Contains("layer1.0.convbnrelu_1.bn.num_batches_tracked", names);
        Assert.Contains("layer2.0.shortcut.conv.weight", names);
        Assert.Contains("layer2.0.shortcut.bn.running_mean", names);
        Assert.Contains("layer4.1.convbn_2.bn.bias", names);
        Assert.Contains("linear.weight", names);
        Assert.DoesNotContain(names, n => n.StartsWith("layer1.0.shortcut", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.StartsWith("layer2.1.shortcut", StringComparison.Ordinal));
        Assert.Equal([512, 256, 3, 3], net.StateDict()["layer4.0.convbnrelu_1.conv.weight"].Shape);
        Assert.Equal([128, 64, 1, 1], net.StateDict()["layer2.0.shortcut.conv.weight"].Shape);
        // 20 conv blocks, each with conv weight + 5 bn entries, and the linear layer.
        Assert.Equal(20 * 6 + 2, names.Count);
    }

    [Fact]
    public void EveryConvBlockComesFromTheFactoryInConfigOrder()
    {
        var factory = new RecordingFactory(NormType.None);
        _ = new ResNet18Cifar(10, factory, new Rng(1));
        var expected = new List<string> { "convbnrelu_1" };
        for (int l = 1; l <= 4; l++)
            for (int b = 0; b < 2; b++)
            {
                expected.Add($"layer{l}.{b}.convbnrelu_1");
                expected.Add($"layer{l}.{b}.convbn_2");
                if (l > 1 && b == 0) expected.Add($"layer{l}.{b}.shortcut");
            }
        Assert.Equal(expected, factory.Calls.Select(c => c.Path));
        Assert.Equal(("layer2.0.convbnrelu_1", 64, 128, 3, 2, 1, true), factory.Calls.Single(c => c.Path == "layer2.0.convbnrelu_1"));
        Assert.Equal(("layer3.0.shortcut", 128, 256, 1, 2, 0, false), factory.Calls.Single(c => c.Path == "layer3.0.shortcut"));
        Assert.False(factory.Calls.Single(c => c.Path == "layer4.1.convbn_2").Relu);
    }

    [Fact]
    public void StateDictRoundTripBetweenSeeds()
    {
        var source = new ResNet18Cifar(10, seed: 1);
        var target = new ResNet18Cifar(10, seed: 2);
        Assert.True(target.LoadStateDict(source.StateDict()).IsExactMatch);
        Assert.Equal(source.StateDict().GetTensor("layer3.0.shortcut.conv.weight").Data, target.StateDict().GetTensor("layer3.0.shortcut.conv.weight").Data);
    }

    [Fact]
    public void BasicBlockWithoutNormIsReluOfResidualPlusShortcut()
    {
        var rng = new Rng(3);
        var block = new BasicBlock("b", 4, 8, 2, new PlainConvBlockFactory(NormType.None, rng));
        var x = Tensor.Randn(rng, 2, 4, 6, 6);
        var y = block.Forward(x);
        Assert.Equal([2, 8, 3, 3], y.Shape);
        var c1 = (ConvBlock)block.ConvBnRelu1;
        var c2 = (ConvBlock)block.ConvBn2;
        var sc = (ConvBlock)block.Shortcut!;
        var h = F.Conv2d(x, c1.Conv.Weight, c1.Conv.Bias?.Value, 2, 1).Relu();
        var expected = (F.Conv2d(h, c2.Conv.Weight, c2.Conv.Bias?.Value, 1, 1) + F.Conv2d(x, sc.Conv.Weight, sc.Conv.Bias?.Value, 2, 0)).Relu();
        Assert.Equal(expected.Data, y.Data);
    }

    [Fact]
    public void IdentityShortcutAddsTheInput()
    {
        var block = new BasicBlock("b", 4, 4, 1, new PlainConvBlockFactory(NormType.None, new Rng(1)));
        Assert.Null(block.Shortcut);
        foreach (var p in block.Parameters()) p.Value.Data.AsSpan().Clear();
        var x = Tensor.Randn(new Rng(2), 1, 4, 5, 5);
        Assert.Equal(x.Relu().Data, block.Forward(x).Data);
    }

    [Fact]
    public void ForwardGivesLogitsPerClass()
    {
        var net = new ResNet18Cifar(10, NormType.Bn, seed: 1);
        Assert.Equal([2, 10], net.Forward(Tensor.Randn(new Rng(1), 2, 3, 32, 32)).Shape);
    }
}

/// <summary>Inference inside a TensorScope recycles intermediates as it goes, and must not change a single value.</summary>
public class PooledInferenceTests
{
    [Fact]
    public void PooledInferenceGivesTheSameLogits()
    {
        var net = new ResNet18Cifar(10, NormType.Bn, seed: 2);
        var x = Tensor.Randn(new Rng(8), 4, 3, 32, 32);
        // Batch statistics first, so that eval mode uses running statistics that are not the initial ones.
        net.Train();
        using (TensorScope.Begin()) net.Forward(x);
        net.Eval();
        using var _ = NoGrad.Scope();
        float[] expected = net.Forward(x).ToArray();
        for (int round = 0; round < 2; round++)
            using (TensorScope.Begin())
            {
                var logits = net.Forward(x);
                Assert.Equal(expected, logits.Data);
            }
    }
}
