using DeepPassport.Engine.Data;
using DeepPassport.Engine.Imaging;

namespace DeepPassport.Engine.Tests.Data;

public class TriggerSetTests
{
    private static readonly string[] Names = ["2.png", "11.png", "1.png", "100.png", "10.png"];

    /// <summary>A trigger folder whose image n is 40x36 RGB filled with n; labels as the given lines.</summary>
    private static void Make(TempFolder dir, string labels)
    {
        string pics = Directory.CreateDirectory(dir.File("pics")).FullName;
        foreach (string name in Names)
        {
            byte n = byte.Parse(Path.GetFileNameWithoutExtension(name));
            var img = new Image(40, 36, 3);
            Array.Fill(img.Pixels, n);
            img[20, 18, 0] = 255; // lies inside the centre crop
            Png.Write(Path.Combine(pics, name), img);
        }
        File.WriteAllText(dir.File("labels-cifar.txt"), labels);
    }

    [Fact]
    public void LabelLineI_BelongsToTheIthFileInOrdinalOrder()
    {
        using var dir = new TempFolder();
        Make(dir, "3.0\n1.000000000000000000e+00\n9.0\n0.0\n5\n\n");

        var ds = new TriggerSet(dir.Path);

        Assert.Equal(["1.png", "10.png", "100.png", "11.png", "2.png"], ds.Files.Select(Path.GetFileName));
        Assert.Equal([3, 1, 9, 0, 5], Enumerable.Range(0, 5).Select(ds.Label));
        Assert.Equal((5, 10, 3, 32, 32), (ds.Count, ds.ClassCount, ds.Channels, ds.Height, ds.Width));
        var chw = new float[3 * 32 * 32];
        ds.CopyImage(3, chw); // 11.png
        Assert.Equal(11 / 255f, chw[0]);
        // Centre crop without resize: offsets round(8 / 2) = 4 and round(4 / 2) = 2, so (20, 18) lands at (16, 16).
        Assert.Equal(1f, chw[16 * 32 + 16]);
    }

    [Theory]
    [InlineData("1\n2\n3\n4\n", "4 labels")]
    [InlineData("1\n2\n3\n4\n5\n6\n", "6 labels")]
    [InlineData("1\n2.5\n3\n4\n5\n", "line 2")]
    [InlineData("1\n2\n10.0\n4\n5\n", "line 3")]
    [InlineData("1\n2\n3\n-1\n5\n", "line 4")]
    [InlineData("1\n2\n3\n4\nfive\n", "line 5")]
    public void BadLabels_AreRefusedClearly(string labels, string expected)
    {
        using var dir = new TempFolder();
        Make(dir, labels);
        Assert.Contains(expected, Assert.Throws<InvalidDataException>(() => new TriggerSet(dir.Path)).Message);
    }
}
