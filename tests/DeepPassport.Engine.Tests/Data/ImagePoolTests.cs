using DeepPassport.Engine.Data;
using DeepPassport.Engine.Imaging;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.Data;

public class ImagePoolTests
{
    [Fact]
    public void SamplesDistinctImages_ReproduciblyFromASortedList()
    {
        using var dir = new TempFolder();
        foreach (string n in new[] { "b.png", "a.PNG", "c.jpg", "d.jpeg", "e.gif" }) File.WriteAllText(dir.File(n), "x");
        var pool = new ImagePool(dir.Path);
        Assert.Equal(["a.PNG", "b.png", "c.jpg", "d.jpeg"], pool.Files.Select(Path.GetFileName));

        for (ulong seed = 0; seed < 30; seed++)
        {
            IReadOnlyList<string> a = pool.SampleFiles(3, new Rng(seed)), b = pool.SampleFiles(3, new Rng(seed));
            Assert.Equal(a, b);
            Assert.Equal(3, a.Distinct().Count());
        }
        Assert.Equal(4, pool.SampleFiles(4, new Rng(1)).Distinct().Count());
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.SampleFiles(5, new Rng(1)));
    }

    [Fact]
    public void RealKeyPool_DecodesSampledImages()
    {
        if (TestData.RequireOrSkip() is not string root) return;
        var pool = new ImagePool(Path.Combine(root, "keys", "cc0"));
        Assert.Equal(3, pool.Count);
        IReadOnlyList<Image> images = pool.Sample(2, new Rng(7));
        Assert.All(images, img => Assert.Equal((512, 512, 1), (img.Width, img.Height, img.Channels)));
    }
}
