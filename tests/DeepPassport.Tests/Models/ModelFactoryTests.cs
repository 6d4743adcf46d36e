using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;

namespace DeepPassport.Tests.Models;

public class ModelFactoryTests
{
    [Fact]
    public void CreatesArchitecturesByName()
    {
        Assert.IsType<AlexNetCifar>(ModelFactory.Create("alexnet", 10, NormType.Bn, 1));
        var resnet = Assert.IsType<ResNet18Cifar>(ModelFactory.Create("ResNet18", 100, NormType.Gn, 1));
        Assert.Equal(100, resnet.NumClasses);
    }

    [Fact]
    public void SameSeedGivesTheSameModel()
    {
        var a = ModelFactory.Create("alexnet", 10, NormType.Bn, 7).StateDict();
        var b = new AlexNetCifar(10, NormType.Bn, 7).StateDict();
        Assert.Equal(a.GetTensor("features.0.conv.weight").Data, b.GetTensor("features.0.conv.weight").Data);
        Assert.Equal(a.GetTensor("classifier.weight").Data, b.GetTensor("classifier.weight").Data);
    }

    [Fact]
    public void UnknownArchitectureThrowsAClearArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => ModelFactory.Create("vgg16", 10, NormType.Bn, 1));
        Assert.Contains("vgg16", ex.Message);
        Assert.Contains("alexnet", ex.Message);
        Assert.Contains("resnet18", ex.Message);
    }

    [Theory]
    [InlineData("bn", NormType.Bn)]
    [InlineData("GN", NormType.Gn)]
    [InlineData("in", NormType.In)]
    [InlineData("none", NormType.None)]
    public void NormTypesParseAndFormat(string text, NormType expected)
    {
        Assert.Equal(expected, NormTypes.Parse(text));
        Assert.Equal(text.ToLowerInvariant(), expected.ToOptionString());
    }

    [Fact]
    public void UnknownNormTypeThrows()
    {
        Assert.Contains("ln", Assert.Throws<ArgumentException>(() => NormTypes.Parse("ln")).Message);
        Assert.False(NormTypes.TryParse(null, out _));
    }

    [Fact]
    public void ConvBlockWithoutNormIsReluOfBiasedConv()
    {
        var rng = new Rng(1);
        var block = new ConvBlock(3, 4, 3, 1, 1, NormType.None, relu: true, rng);
        Assert.Null(block.Bn);
        Assert.Equal(["conv.weight", "conv.bias"], block.StateDict().Keys);
        var x = Tensor.Randn(rng, 1, 3, 5, 5);
        Assert.Equal(F.Conv2d(x, block.Conv.Weight, block.Conv.Bias!.Value, 1, 1).Relu().Data, block.Forward(x).Data);
    }

    [Fact]
    public void GroupNormBlockHasAtLeastOneGroup()
    {
        var block = new ConvBlock(3, 8, 3, 1, 1, NormType.Gn, true, new Rng(1));
        Assert.Equal(1, ((GroupNorm)block.Bn!).NumGroups);
        Assert.Equal(4, ((GroupNorm)new ConvBlock(3, 64, 3, 1, 1, NormType.Gn, true, new Rng(1)).Bn!).NumGroups);
    }
}
