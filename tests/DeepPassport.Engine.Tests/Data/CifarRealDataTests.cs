using DeepPassport.Engine.Data;

namespace DeepPassport.Engine.Tests.Data;

/// <summary>Facts about the real data sets under DEEPPASSPORT_DATA (checked against the files with a hex dump).</summary>
public class CifarRealDataTests
{
    [Fact]
    public void Cifar10_DataBatch1_And_TestBatch()
    {
        if (TestData.RequireOrSkip() is not string root) return;
        string dir = Path.Combine(root, "cifar-10-batches-bin");

        CifarDataset train = CifarDataset.LoadCifar10(dir, train: true, trainBatches: 1);
        Assert.Equal(10000, train.Count);
        Assert.Equal(6, train.Label(0));
        Assert.Equal("frog", train.ClassNames[train.Label(0)]);
        Assert.Equal(["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"], train.ClassNames);

        CifarDataset test = CifarDataset.LoadCifar10(dir, train: false);
        Assert.Equal(10000, test.Count);
        Assert.Equal(3, test.Label(0));
        Assert.Equal("cat", test.ClassNames[3]);
    }

    [Fact]
    public void Cifar10_FullTrainingSet_IsBalanced()
    {
        if (TestData.RequireOrSkip() is not string root) return;
        CifarDataset train = CifarDataset.LoadCifar10(Path.Combine(root, "cifar-10-batches-bin"), train: true);
        Assert.Equal(50000, train.Count);
        var counts = new int[10];
        for (int i = 0; i < train.Count; i++) counts[train.Label(i)]++;
        Assert.All(counts, c => Assert.Equal(5000, c));
    }

    [Fact]
    public void Caltech101_32()
    {
        if (TestData.RequireOrSkip() is not string root) return;
        string dir = Path.Combine(root, "caltech101-32");
        CifarDataset train = CifarDataset.LoadCaltech101(dir, train: true);
        Assert.Equal(5784, train.Count);
        Assert.Equal(101, train.ClassCount);
        Assert.Equal(101, train.ClassNames.Count);
        Assert.Equal("Faces", train.ClassNames[0]);
        Assert.Equal(2893, CifarDataset.LoadCaltech101(dir, train: false).Count);
    }
}
