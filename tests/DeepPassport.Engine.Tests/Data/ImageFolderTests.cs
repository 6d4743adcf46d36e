using DeepPassport.Engine.Data;
using DeepPassport.Engine.Imaging;

namespace DeepPassport.Engine.Tests.Data;

public class ImageFolderTests
{
    private static Image Solid(int w, int h, params byte[] colour)
    {
        var img = new Image(w, h, colour.Length);
        for (int i = 0; i < img.Pixels.Length; i++) img.Pixels[i] = colour[i % colour.Length];
        return img;
    }

    private static string Class(TempFolder dir, string name) => Directory.CreateDirectory(dir.File(name)).FullName;

    [Fact]
    public void ListsClassesAndFilesInOrdinalOrder_AndTransformsToSize()
    {
        using var dir = new TempFolder();
        string a = Class(dir, "a_cls"), b = Class(dir, "b_cls"), upper = Class(dir, "A_upper");
        Png.Write(Path.Combine(a, "2.PNG"), Solid(64, 40, 10, 20, 30));
        Png.Write(Path.Combine(a, "10.png"), Solid(50, 90, 200));      // gray -> RGB
        File.WriteAllText(Path.Combine(a, "notes.txt"), "ignored");
        Png.Write(Path.Combine(b, "x.png"), Solid(33, 33, 1, 2, 3));
        Png.Write(Path.Combine(upper, "only.png"), Solid(32, 32, 9, 9, 9));

        var ds = new ImageFolder(dir.Path);

        Assert.Equal(["A_upper", "a_cls", "b_cls"], ds.ClassNames);
        Assert.Equal(["only.png", "10.png", "2.PNG", "x.png"], ds.Files.Select(Path.GetFileName));
        Assert.Equal([0, 1, 1, 2], Enumerable.Range(0, 4).Select(ds.Label));
        Assert.Equal((4, 3, 3, 32, 32), (ds.Count, ds.ClassCount, ds.Channels, ds.Height, ds.Width));

        var chw = new float[3 * 32 * 32];
        ds.CopyImage(2, chw);
        Assert.Equal(10 / 255f, chw[0]);
        Assert.Equal(20 / 255f, chw[1024 + 500]);
        Assert.Equal(30 / 255f, chw[^1]);
        ds.CopyImage(1, chw);
        Assert.All(chw, v => Assert.Equal(200 / 255f, v));
    }

    [Fact]
    public void ShortSideAlreadyAtSize_IsOnlyCentreCropped()
    {
        // 40x32: Resize(32) keeps it, CenterCrop(32) takes columns round(8 / 2) = 4 .. 35.
        using var dir = new TempFolder();
        var img = new Image(40, 32, 3);
        for (int i = 0; i < img.Pixels.Length; i++) img.Pixels[i] = (byte)(i * 13 % 256);
        Png.Write(Path.Combine(Class(dir, "c"), "p.png"), img);

        Image got = new ImageFolder(dir.Path).GetImage(0);

        for (int y = 0; y < 32; y += 5)
            for (int x = 0; x < 32; x += 3)
                Assert.Equal(img[x + 4, y, 1], got[x, y, 1]);
    }

    [Fact]
    public void UnreadableFile_IsNamedInTheError()
    {
        using var dir = new TempFolder();
        string bad = Path.Combine(Class(dir, "c"), "bad.png");
        File.WriteAllText(bad, "not a png");
        var ds = new ImageFolder(dir.Path, size: 8);
        var e = Assert.Throws<ImageFormatException>(() => ds.CopyImage(0, new float[3 * 8 * 8]));
        Assert.Equal(bad, e.FileName);
        Assert.Contains(bad, e.Message);
    }

    [Fact]
    public void EmptyClassOrMissingFolder_AreRefused()
    {
        using var dir = new TempFolder();
        Assert.Throws<InvalidDataException>(() => new ImageFolder(dir.Path));
        Class(dir, "empty");
        Assert.Contains("empty", Assert.Throws<InvalidDataException>(() => new ImageFolder(dir.Path)).Message);
        Assert.Throws<DirectoryNotFoundException>(() => new ImageFolder(dir.File("nope")));
    }
}
