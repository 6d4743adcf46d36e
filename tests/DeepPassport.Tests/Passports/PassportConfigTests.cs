using DeepPassport.Passports;

namespace DeepPassport.Tests.Passports;

public class PassportConfigTests
{
    [Fact]
    public void ReadmeExampleParses()
    {
        var c = PassportConfig.Parse("""{"0": false, "2": false, "4": true, "5": true, "6": "this is my signature"}""", "alexnet", "example");
        Assert.Equal(["features.4", "features.5", "features.6"], c.Layers.Select(l => l.Path));
        Assert.Equal([384, 256, 256], c.Layers.Select(l => l.Channels));
        Assert.Equal(192, c.Layers[0].InChannels);
        Assert.Equal(new SignatureSpec.Text("this is my signature"), c.Layers[2].Signature);
    }

    [Theory]
    [InlineData("alexnet-last3", "alexnet", 3, 896)]
    [InlineData("alexnet-all", "alexnet", 5, 1152)]
    [InlineData("resnet18-layer4", "resnet18", 5, 2560)]
    [InlineData("resnet18-all", "resnet18", 20, 4800)]
    public void PresetsHaveThePapersLayerAndBitCounts(string preset, string arch, int layers, int bits)
    {
        var c = PassportConfig.Load(preset, arch);
        Assert.Equal(layers, c.Layers.Count);
        Assert.Equal(bits, c.Layers.Sum(l => l.Channels));
    }

    [Fact]
    public void NestedResNetConfigNamesBlocksByPath()
    {
        var c = PassportConfig.Parse("""{"layer2": {"0": {"shortcut": true}}, "layer4": {"1": {"convbn_2": "owner"}}}""", "resnet18", "t");
        Assert.Equal(["layer2.0.shortcut", "layer4.1.convbn_2"], c.Layers.Select(l => l.Path));
        Assert.Equal(64, c.Layers[0].InChannels);
    }

    [Fact]
    public void ToJsonRoundTrips()
    {
        foreach (var (preset, arch) in new[] { ("alexnet-last3", "alexnet"), ("resnet18-layer4", "resnet18") })
        {
            var c = PassportConfig.Load(preset, arch);
            var again = PassportConfig.Parse(c.ToJson(), arch, "round trip");
            Assert.Equal(c.Layers, again.Layers);
        }
    }

    [Theory]
    [InlineData("""{"3": true}""", "unknown layer '3'")]
    [InlineData("""{"0": "a signature that is far too long"}""", "needs 256 bits but the layer has 64 channels")]
    [InlineData("""{"4": 7}""", "layer '4' must be")]
    [InlineData("""{"4": tru""", "not valid JSON")]
    [InlineData("""[true]""", "JSON object")]
    public void BadConfigsSayWhatIsWrong(string json, string expected)
    {
        var e = Assert.Throws<FormatException>(() => PassportConfig.Parse(json, "alexnet", "my-config.json"));
        Assert.Contains(expected, e.Message);
        Assert.Contains("my-config.json", e.Message);
    }

    /// <summary>Explicit bits, inline or from a bits file next to the config; the rest of the layer is random.</summary>
    [Fact]
    public void SignatureBitsFromAStringOrAFile()
    {
        var dir = Path.Combine(Path.GetTempPath(), "dp-config-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "sig.txt"), "+1 -1 -1 +1\n1 1 0 0\n");
        var path = Path.Combine(dir, "config.json");
        File.WriteAllText(path, """{"4": {"bits": "1100"}, "6": {"file": "sig.txt"}}""");
        var c = PassportConfig.Load(path, "alexnet");
        var sig = c.Layers[1].Signature.Create(256, new Engine.Tensors.Rng(1));
        Assert.Equal(256, sig.Length);
        Assert.Equal("10011100", sig.ToString()[..8]);
        Assert.Equal("1100", c.Layers[0].Signature.Create(384, new Engine.Tensors.Rng(1)).ToString()[..4]);
        Assert.Equal(c.Layers, PassportConfig.Parse(c.ToJson(), "alexnet", "round trip").Layers);

        File.WriteAllText(path, """{"4": {"file": "missing.txt"}}""");
        Assert.Contains("missing.txt", Assert.Throws<FormatException>(() => PassportConfig.Load(path, "alexnet")).Message);
        File.WriteAllText(path, """{"4": {"bits": "10x1"}}""");
        Assert.Contains("10x1", Assert.Throws<FormatException>(() => PassportConfig.Load(path, "alexnet")).Message);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void PresetForAnotherArchitectureOrMissingFileIsRefused()
    {
        Assert.Throws<FormatException>(() => PassportConfig.Load("alexnet-all", "resnet18"));
        var e = Assert.Throws<FileNotFoundException>(() => PassportConfig.Load("no-such.json", "alexnet"));
        Assert.Contains("alexnet-last3", e.Message);
    }
}

public class ConvBlockLayoutTests
{
    [Fact]
    public void AlexNetBlocksAndTheirInputSizes()
    {
        var l = ConvBlockLayout.Of("alexnet");
        Assert.Equal(
            [("features.0", 3, 64, 32), ("features.2", 64, 192, 16), ("features.4", 192, 384, 8), ("features.5", 384, 256, 8), ("features.6", 256, 256, 8)],
            l.Select(b => (b.Path, b.InChannels, b.OutChannels, b.InHeight)));
    }

    [Fact]
    public void ResNetBlocksFollowTheConfigOrderWithStridedInputs()
    {
        var l = ConvBlockLayout.Of("resnet18").ToDictionary(b => b.Path);
        Assert.Equal(20, l.Count);
        Assert.Equal((64, 32), (l["layer2.0.convbnrelu_1"].InChannels, l["layer2.0.convbnrelu_1"].InHeight));
        Assert.Equal((128, 16), (l["layer2.0.convbn_2"].InChannels, l["layer2.0.convbn_2"].InHeight));
        Assert.Equal((64, 32), (l["layer2.0.shortcut"].InChannels, l["layer2.0.shortcut"].InHeight));
        Assert.Equal((512, 4), (l["layer4.1.convbn_2"].InChannels, l["layer4.1.convbn_2"].InHeight));
    }
}
