using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;

namespace DeepPassport.Tests.Models;

public class AlexNetCifarTests
{
    private static readonly string[] Convs = ["0", "2", "4", "5", "6"];

    [Fact]
    public void StateDictNamesMatchPyTorchWithBatchNorm()
    {
        var expected = Convs.SelectMany(i => new[]
        {
            $"features.{i}.conv.weight", $"features.{i}.bn.weight", $"features.{i}.bn.bias",
            $"features.{i}.bn.running_mean", $"features.{i}.bn.running_var", $"features.{i}.bn.num_batches_tracked",
        }).Concat(["classifier.weight", "classifier.bias"]);
        var sd = new AlexNetCifar(10).StateDict();
        Assert.Equal(expected, sd.Keys);
        Assert.Equal(0, sd.GetInt64("features.0.bn.num_batches_tracked"));
        Assert.Equal([10, 4096], sd["classifier.weight"].Shape);
        Assert.Equal([384, 192, 3, 3], sd["features.4.conv.weight"].Shape);
    }

    [Fact]
    public void ParameterCountWithBatchNorm()
    {
        long convs = 3 * 64 * 25 + 64 * 192 * 25 + 192 * 384 * 9 + 384 * 256 * 9 + 256 * 256 * 9;
        long norms = 2 * (64 + 192 + 384 + 256 + 256);
        Assert.Equal(convs + norms + 4096 * 10 + 10, new AlexNetCifar(10).ParameterCount());
    }

    [Fact]
    public void NormTypeSelectsConvBiasAndNormParameters()
    {
        Assert.Equal(Convs.SelectMany(i => new[] { $"features.{i}.conv.weight", $"features.{i}.conv.bias" }).Concat(["classifier.weight", "classifier.bias"]),
            new AlexNetCifar(10, NormType.None).StateDict().Keys);
        Assert.Equal(Convs.Select(i => $"features.{i}.conv.weight").Concat(["classifier.weight", "classifier.bias"]),
            new AlexNetCifar(10, NormType.In).StateDict().Keys);
        var gn = new AlexNetCifar(10, NormType.Gn);
        Assert.Equal(12, ((GroupNorm)gn.GetSubmodule("features.2.bn")).NumGroups);
        Assert.Contains("features.2.bn.weight", gn.StateDict().Keys);
        Assert.DoesNotContain("features.2.bn.running_mean", gn.StateDict().Keys);
    }

    [Fact]
    public void EveryConvBlockComesFromTheFactoryWithItsPath()
    {
        var replacement = new ConvBlock(192, 384, 3, 1, 1, NormType.None, true, new Rng(1));
        var factory = new RecordingFactory(NormType.Bn, "features.4", replacement);
        var net = new AlexNetCifar(10, factory, new Rng(2));
        Assert.Equal(AlexNetCifar.ConvBlockPaths, factory.Calls.Select(c => c.Path));
        Assert.Equal(("features.0", 3, 64, 5, 1, 2, true), factory.Calls[0]);
        Assert.Equal(("features.6", 256, 256, 3, 1, 1, true), factory.Calls[4]);
        Assert.Same(replacement, net.GetSubmodule("features.4"));
        Assert.Contains("features.4.conv.bias", net.StateDict().Keys);
    }

    [Fact]
    public void ConvWeightsAreKaimingNormalFanOut()
    {
        var w = ((ConvBlock)new AlexNetCifar(10).GetSubmodule("features.5")).Conv.Weight.Value.Data;
        double mean = w.Average(v => (double)v);
        double std = Math.Sqrt(w.Average(v => (v - mean) * (v - mean)));
        double expected = Math.Sqrt(2.0 / (256 * 9));
        Assert.InRange(std, expected * 0.98, expected * 1.02);
    }

    [Fact]
    public void SameSeedSameWeightsDifferentSeedDifferentWeights()
    {
        var a = new AlexNetCifar(10, seed: 3).StateDict().GetTensor("features.6.conv.weight").Data;
        Assert.Equal(a, new AlexNetCifar(10, seed: 3).StateDict().GetTensor("features.6.conv.weight").Data);
        Assert.NotEqual(a, new AlexNetCifar(10, seed: 4).StateDict().GetTensor("features.6.conv.weight").Data);
    }

    [Fact]
    public void StateDictRoundTripBetweenSeeds()
    {
        var source = new AlexNetCifar(10, seed: 1);
        var target = new AlexNetCifar(10, seed: 2);
        Assert.True(target.LoadStateDict(source.StateDict()).IsExactMatch);
        Assert.Equal(source.Classifier.Weight.Value.Data, target.Classifier.Weight.Value.Data);
        Assert.Throws<StateDictException>(() => new AlexNetCifar(100).LoadStateDict(source.StateDict()));
    }

    [Fact]
    public void ForwardGivesLogitsPerClass()
    {
        var net = new AlexNetCifar(10);
        var y = net.Forward(Tensor.Randn(new Rng(1), 2, 3, 32, 32));
        Assert.Equal([2, 10], y.Shape);
    }
}
