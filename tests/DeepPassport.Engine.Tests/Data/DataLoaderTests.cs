using DeepPassport.Engine.Data;

namespace DeepPassport.Engine.Tests.Data;

public class DataLoaderTests
{
    private static readonly Normalization OneChannel = new([0.5f], [0.25f]);

    private static List<Batch> Run(DataLoader loader, int epoch) => loader.Epoch(epoch).ToList();

    private static void AssertSame(IReadOnlyList<Batch> a, IReadOnlyList<Batch> b)
    {
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Labels, b[i].Labels);
            Assert.Equal(a[i].Images.Shape, b[i].Images.Shape);
            Assert.Equal(a[i].Images.Data, b[i].Images.Data);
        }
    }

    [Theory]
    [InlineData(10, 4, false, 3, 2)]
    [InlineData(10, 4, true, 2, 4)]
    [InlineData(8, 4, true, 2, 4)]
    [InlineData(3, 4, true, 0, 0)]
    public void BatchCounts(int n, int b, bool dropLast, int batches, int lastSize)
    {
        var loader = new DataLoader(new FakeDataset(n), new DataLoaderOptions(b, DropLast: dropLast));
        List<Batch> all = Run(loader, 0);
        Assert.Equal(batches, loader.BatchCount);
        Assert.Equal(batches, all.Count);
        if (batches > 0)
        {
            Assert.Equal(lastSize, all[^1].Size);
            Assert.Equal([lastSize, 1, 2, 2], all[^1].Images.Shape);
        }
    }

    [Fact]
    public void Unshuffled_KeepsOrderAndValues()
    {
        var loader = new DataLoader(new FakeDataset(5), new DataLoaderOptions(2));
        List<Batch> all = Run(loader, 0);
        Assert.Equal([2, 3], all[1].Labels);
        Assert.Equal(3 / 1000f, all[1].Images.Data[4]);
    }

    [Fact]
    public void Shuffle_VisitsEverySampleOnce_NewOrderEachEpoch()
    {
        var loader = new DataLoader(new FakeDataset(100), new DataLoaderOptions(7, Shuffle: true, Seed: 42));
        int[] e0 = Run(loader, 0).SelectMany(b => b.Images.Data.Where((_, k) => k % 4 == 0)).Select(v => (int)MathF.Round(v * 1000)).ToArray();
        Assert.Equal(Enumerable.Range(0, 100), e0.Order());
        Assert.NotEqual(Enumerable.Range(0, 100), e0);
        Assert.Equal(loader.Order(0), e0);
        Assert.NotEqual(loader.Order(0), loader.Order(1));
    }

    [Fact]
    public void SameSeed_SameBatches_RegardlessOfPrefetch()
    {
        var options = new DataLoaderOptions(8, Shuffle: true, Seed: 9, Augmentation: new Augmentation(true, 1, true, OneChannel));
        var ds = new FakeDataset(50);
        List<Batch> a = Run(new DataLoader(ds, options), 3);
        AssertSame(a, Run(new DataLoader(ds, options with { Prefetch = 0 }), 3));
        AssertSame(a, Run(new DataLoader(ds, options with { Prefetch = 1 }), 3));
        Assert.Equal(a[2].Images.Data, new DataLoader(ds, options).GetBatch(3, 2).Images.Data);
        Assert.NotEqual(a[0].Labels, Run(new DataLoader(ds, options with { Seed = 10 }), 3)[0].Labels);
    }

    [Fact]
    public void Augmentation_IsApplied()
    {
        // Without crop or flip, an image of i/1000 becomes (i/1000 - 0.5) / 0.25.
        var loader = new DataLoader(new FakeDataset(4), new DataLoaderOptions(4, Augmentation: new Augmentation(false, 0, false, OneChannel)));
        Batch b = Run(loader, 0)[0];
        Assert.Equal((3 / 1000f - 0.5f) / 0.25f, b.Images.Data[15]);
    }

    [Fact]
    public void BackgroundException_SurfacesInConsumer()
    {
        var loader = new DataLoader(new FakeDataset(20, throwAt: 13), new DataLoaderOptions(4));
        var seen = new List<Batch>();
        var e = Assert.Throws<InvalidOperationException>(() => { foreach (Batch b in loader.Epoch(0)) seen.Add(b); });
        Assert.Equal("broken sample 13", e.Message);
        Assert.Equal(3, seen.Count); // the batches before the broken one arrived
    }

    [Fact]
    public void Prefetch_IsBounded_AndStopsWhenConsumerStops()
    {
        var ds = new FakeDataset(1000);
        var loader = new DataLoader(ds, new DataLoaderOptions(10, Prefetch: 2));
        using (IEnumerator<Batch> it = loader.Epoch(0).GetEnumerator())
        {
            Assert.True(it.MoveNext());
            Thread.Sleep(200);
            // consumed 1 + queued 2 + at most 1 being built
            Assert.InRange(ds.Copies, 10, 40);
        }
        int afterStop = ds.Copies;
        Thread.Sleep(100);
        Assert.Equal(afterStop, ds.Copies);
    }

    [Fact]
    public void RejectsBadOptions()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(new FakeDataset(4), new DataLoaderOptions(0)));
        Assert.Throws<ArgumentException>(() => new DataLoader(new FakeDataset(4), new DataLoaderOptions(2, Augmentation: Augmentation.CifarTrain)));
    }
}
