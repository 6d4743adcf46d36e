using DeepPassport.Engine.Data;
using DeepPassport.Engine.Imaging;

namespace DeepPassport.Engine.Tests.Data;

/// <summary>Checks of the trigger set against the golden files that need no JPEG decoder.</summary>
public class TriggerSetGoldenTests
{
    private const int RecordSize = 1 + 3072;

    [Fact]
    public void RealTriggerSet_OrderAndLabelsMatchTheGolden()
    {
        if (TestData.RequireOrSkip() is not string root) return;
        var ds = new TriggerSet(Path.Combine(root, "trigger_set"));
        string[][] order = ReadOrder(root);
        byte[] records = File.ReadAllBytes(Path.Combine(root, "golden", "trigger_centercrop32_libjpeg.bin"));
        Assert.Equal(100, ds.Count);
        Assert.Equal(ds.Count, order.Length);
        for (int i = 0; i < ds.Count; i++)
        {
            Assert.Equal(i.ToString(), order[i][0]);
            Assert.Equal(order[i][1], Path.GetFileName(ds.Files[i]));
            Assert.Equal(int.Parse(order[i][2]), ds.Label(i));
            Assert.Equal(records[i * RecordSize], ds.Label(i));
        }
    }

    [Theory]
    [InlineData("1")]
    [InlineData("10")]
    [InlineData("29")]
    public void CentreCropOfLibjpegDecode_MatchesTheGoldenRecordExactly(string number)
    {
        // golden/jpeg holds libjpeg's decode of some trigger images as PNG: cropping it must give the golden bytes.
        if (TestData.RequireOrSkip() is not string root) return;
        Image full = Png.Decode(Path.Combine(root, "golden", "jpeg", $"trigger_set__pics__{number}.png"));
        Image crop = ImageOps.CenterCrop(full, 32, 32);
        int index = Array.FindIndex(ReadOrder(root), r => r[1] == number + ".jpg");
        byte[] records = File.ReadAllBytes(Path.Combine(root, "golden", "trigger_centercrop32_libjpeg.bin"));
        ReadOnlySpan<byte> golden = records.AsSpan(index * RecordSize + 1, 3072);
        for (int c = 0; c < 3; c++)
            for (int k = 0; k < 1024; k++)
                Assert.Equal(golden[c * 1024 + k], crop.Pixels[k * 3 + c]);
    }

    private static string[][] ReadOrder(string root) =>
        File.ReadAllLines(Path.Combine(root, "golden", "trigger_order.txt"))
            .Where(l => l.Length > 0).Select(l => l.Split('\t')).ToArray();
}
