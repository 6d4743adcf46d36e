using DeepPassport.Engine.Data;

namespace DeepPassport.Engine.Tests.Data;

/// <summary>Needs the JPEG decoder (branch imaging-jpeg); fails while only the placeholder is built.</summary>
[Trait("Requires", "jpeg")]
public class TriggerSetRealDataTests
{
    [Fact]
    public void RealTriggerSet_MatchesLibjpegCentreCrops()
    {
        if (TestData.RequireOrSkip() is not string root) return;
        var ds = new TriggerSet(Path.Combine(root, "trigger_set"));
        string golden = Path.Combine(root, "golden");
        string[][] order = File.ReadAllLines(Path.Combine(golden, "trigger_order.txt"))
            .Where(l => l.Length > 0).Select(l => l.Split('\t')).ToArray();
        byte[] records = File.ReadAllBytes(Path.Combine(golden, "trigger_centercrop32_libjpeg.bin"));
        Assert.Equal(100, ds.Count);
        Assert.Equal(ds.Count * 3073, records.Length);

        var chw = new float[3072];
        long absSum = 0;
        int maxErr = 0;
        for (int i = 0; i < ds.Count; i++)
        {
            Assert.Equal(order[i][1], Path.GetFileName(ds.Files[i]));
            Assert.Equal(records[i * 3073], ds.Label(i));
            ds.CopyImage(i, chw);
            for (int k = 0; k < 3072; k++)
            {
                int err = Math.Abs((int)MathF.Round(chw[k] * 255f) - records[i * 3073 + 1 + k]);
                absSum += err;
                maxErr = Math.Max(maxErr, err);
            }
        }
        double mean = (double)absSum / (ds.Count * 3072);
        Assert.True(mean < 1 && maxErr < 8, $"mean abs error {mean:F3}, max {maxErr}");
    }
}
