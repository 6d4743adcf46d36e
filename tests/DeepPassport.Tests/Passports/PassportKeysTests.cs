using DeepPassport.Engine.Data;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;
using DeepPassport.Passports;

namespace DeepPassport.Tests.Passports;

public class PassportKeysTests
{
    private static PassportImageSource Pool() => new(new SyntheticShapes(60, seed: 3), Augmentation.Eval(Normalization.Cifar), NormType.Bn, null);

    [Theory]
    [InlineData(KeyType.Random)]
    [InlineData(KeyType.Image)]
    [InlineData(KeyType.Shuffle)]
    public void EveryKeyTypeGivesPassportsOfEachLayersInputShape(KeyType keyType)
    {
        var config = PassportConfig.Load("alexnet-all", "alexnet");
        var keys = PassportKeys.Create(config, keyType, new Rng(1), Pool());
        Assert.Equal(["features.0", "features.2", "features.4", "features.5", "features.6"], keys.Select(k => k.Path));
        int[][] shapes = [[1, 3, 32, 32], [1, 64, 16, 16], [1, 192, 8, 8], [1, 384, 8, 8], [1, 256, 8, 8]];
        for (int i = 0; i < keys.Count; i++)
        {
            Assert.Equal(shapes[i], keys[i].PassportBeta.Shape);
            Assert.Equal(shapes[i], keys[i].PassportGamma.Shape);
            Assert.Equal(config.Layers[i].Channels, keys[i].Signature.Length);
            Assert.NotEqual(keys[i].PassportBeta.Data, keys[i].PassportGamma.Data);
        }
        // Seeded: the same seed gives the same keys.
        var again = PassportKeys.Create(config, keyType, new Rng(1), Pool());
        Assert.Equal(keys[3].PassportGamma.Data, again[3].PassportGamma.Data);
        Assert.Equal(keys[3].Signature, again[3].Signature);
    }

    [Fact]
    public void RandomPassportsAreUniformMinusOneToOne()
    {
        var keys = PassportKeys.Create(PassportConfig.Load("alexnet-last3", "alexnet"), KeyType.Random, new Rng(2));
        var d = keys[0].PassportBeta.Data;
        Assert.All(d, v => Assert.InRange(v, -1f, 1f));
        Assert.InRange(d.Average(), -0.05, 0.05);
        Assert.InRange(d.Select(v => v * v).Average(), 1 / 3.0 - 0.03, 1 / 3.0 + 0.03);   // Var U(-1,1) = 1/3
    }

    [Fact]
    public void ImageAndShuffleNeedAPool() =>
        Assert.Throws<ArgumentException>(() => PassportKeys.Create(PassportConfig.Load("alexnet-last3", "alexnet"), KeyType.Shuffle, new Rng(1)));

    /// <summary>Shuffle: slot k takes a channel of image k mod n, never the same (image, channel) twice.</summary>
    [Fact]
    public void ShuffleMixesRealChannelsAcrossImagesWithoutRepeats()
    {
        int n = 20, c = 64;
        var acts = new Tensor(n, c, 2, 2);
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++)
                acts.Data.AsSpan((i * c + ch) * 4, 4).Fill(i * 1000 + ch);
        var p = PassportGenerator.Shuffle(acts, new Rng(4));
        Assert.Equal([1, c, 2, 2], p.Shape);
        var seen = new HashSet<int>();
        for (int k = 0; k < c; k++)
        {
            var plane = p.Data.AsSpan(k * 4, 4).ToArray();
            Assert.All(plane, v => Assert.Equal(plane[0], v));   // a whole real feature map
            int id = (int)plane[0];
            Assert.Equal(k % n, id / 1000);
            Assert.True(seen.Add(id), $"(image, channel) {id} used twice");
        }
        Assert.NotEqual(Enumerable.Range(0, c).Select(k => (float)(k % n * 1000 + k / n)), p.Data.Where((_, i) => i % 4 == 0));   // channels permuted
    }

    [Fact]
    public void ShuffleOfTheImageLayerPicksOneWholeImage()
    {
        var acts = Tensor.Randn(new Rng(1), 20, 3, 4, 4);
        var p = PassportGenerator.Shuffle(acts, new Rng(2));
        Assert.Contains(Enumerable.Range(0, 20), i => acts.Slice(i, 1).Data.AsSpan().SequenceEqual(p.Data));
    }

    /// <summary>Intermediate passports are activation maps: after a ReLU block they are non-negative, unlike random ones.</summary>
    [Fact]
    public void ImagePassportsOfDeepLayersAreActivationMaps()
    {
        var keys = PassportKeys.Create(PassportConfig.Load("alexnet-last3", "alexnet"), KeyType.Image, new Rng(1), Pool());
        Assert.All(keys, k => Assert.All(k.PassportGamma.Data, v => Assert.True(v >= 0)));
    }
}
