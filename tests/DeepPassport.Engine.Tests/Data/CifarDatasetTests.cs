using DeepPassport.Engine.Data;

namespace DeepPassport.Engine.Tests.Data;

public class CifarDatasetTests
{
    [Fact]
    public void Reads_SyntheticFile_LabelsAndPixels()
    {
        using var dir = new TempFolder();
        string file = SyntheticCifar.Write(dir.File("a.bin"), 3, 0, 9);
        var ds = new CifarDataset([file], 10);
        Assert.Equal(3, ds.Count);
        Assert.Equal((3, 32, 32, 10), (ds.Channels, ds.Height, ds.Width, ds.ClassCount));
        Assert.Equal([3, 0, 9], Enumerable.Range(0, 3).Select(ds.Label));
        Assert.Equal("9", ds.ClassNames[9]);

        var img = new float[3072];
        ds.CopyImage(2, img);
        for (int k = 0; k < 3072; k += 97) Assert.Equal(SyntheticCifar.Pixel(2, k) / 255f, img[k]);
        // Planar layout: value k lies in channel k / 1024, row (k % 1024) / 32, column k % 32.
        Assert.Equal(SyntheticCifar.Pixel(1, 1024 + 5 * 32 + 6), ds.ImageBytes(1)[1024 + 5 * 32 + 6]);
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.Label(3));
        Assert.Throws<ArgumentException>(() => ds.CopyImage(0, new float[10]));
    }

    [Fact]
    public void ConcatenatesFiles_InOrder()
    {
        using var dir = new TempFolder();
        var ds = new CifarDataset([SyntheticCifar.Write(dir.File("a.bin"), 1, 2), SyntheticCifar.Write(dir.File("b.bin"), 5)], 10);
        Assert.Equal([1, 2, 5], Enumerable.Range(0, 3).Select(ds.Label));
        Assert.Equal(SyntheticCifar.Pixel(0, 10), ds.ImageBytes(2)[10]);
    }

    [Fact]
    public void TwoLabelBytes_ChoosesCoarseOrFine()
    {
        using var dir = new TempFolder();
        string file = dir.File("train.bin");
        File.WriteAllBytes(file, SyntheticCifar.Records([[4, 77], [19, 99]]));
        var fine = new CifarDataset([file], CifarRecordFormat.Cifar100Fine);
        var coarse = new CifarDataset([file], CifarRecordFormat.Cifar100Coarse);
        Assert.Equal([77, 99], new[] { fine.Label(0), fine.Label(1) });
        Assert.Equal([4, 19], new[] { coarse.Label(0), coarse.Label(1) });
        Assert.Equal(SyntheticCifar.Pixel(1, 0), fine.ImageBytes(1)[0]); // label bytes are not pixels
    }

    [Fact]
    public void MissingFile_NamesThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".bin");
        var e = Assert.Throws<FileNotFoundException>(() => new CifarDataset([path], 10));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void WrongSize_NamesFileSizeAndRecordSize()
    {
        using var dir = new TempFolder();
        string file = dir.File("cut.bin");
        File.WriteAllBytes(file, SyntheticCifar.Records([[1], [2]])[..5000]);
        var e = Assert.Throws<InvalidDataException>(() => new CifarDataset([file], 10));
        Assert.Contains(file, e.Message);
        Assert.Contains("5000", e.Message);
        Assert.Contains("3073", e.Message);
    }

    [Fact]
    public void EmptyFile_Fails()
    {
        using var dir = new TempFolder();
        string file = dir.File("empty.bin");
        File.WriteAllBytes(file, []);
        Assert.Contains("empty", Assert.Throws<InvalidDataException>(() => new CifarDataset([file], 10)).Message);
    }

    [Fact]
    public void LabelOutOfRange_NamesFileRecordAndLabel()
    {
        using var dir = new TempFolder();
        string file = SyntheticCifar.Write(dir.File("bad.bin"), 1, 2, 10);
        var e = Assert.Throws<InvalidDataException>(() => new CifarDataset([file], 10));
        Assert.Contains(file, e.Message);
        Assert.Contains("record 2", e.Message);
        Assert.Contains("label 10", e.Message);
    }

    [Fact]
    public void ClassNames_CountMismatch_Fails()
    {
        using var dir = new TempFolder();
        string file = SyntheticCifar.Write(dir.File("a.bin"), 0);
        File.WriteAllLines(dir.File("names.txt"), ["a", "b"]);
        var e = Assert.Throws<InvalidDataException>(() => new CifarDataset([file], 3, dir.File("names.txt")));
        Assert.Contains("names.txt", e.Message);
    }

    [Fact]
    public void BadFormat_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => new CifarRecordFormat(1, 1, 10).Validate());
        Assert.Throws<ArgumentException>(() => new CifarRecordFormat(1, 0, 300).Validate());
    }

    [Fact]
    public void LoadCifar10_SyntheticFolder()
    {
        using var dir = new TempFolder();
        SyntheticCifar.Write(dir.File("data_batch_1.bin"), 6, 9);
        SyntheticCifar.Write(dir.File("data_batch_2.bin"), 4);
        SyntheticCifar.Write(dir.File("test_batch.bin"), 3);
        File.WriteAllText(dir.File("batches.meta.txt"), "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n");
        CifarDataset train = CifarDataset.LoadCifar10(dir.Path, train: true, trainBatches: 2);
        Assert.Equal([6, 9, 4], Enumerable.Range(0, 3).Select(train.Label));
        Assert.Equal("truck", train.ClassNames[9]);
        Assert.Equal(3, CifarDataset.LoadCifar10(dir.Path, train: false).Label(0));
        // batch 3 is missing: the error names it
        Assert.Contains("data_batch_3.bin", Assert.Throws<FileNotFoundException>(() => CifarDataset.LoadCifar10(dir.Path, true, 3)).Message);
        Assert.Throws<DirectoryNotFoundException>(() => CifarDataset.LoadCifar10(dir.File("nope"), true));
    }
}
