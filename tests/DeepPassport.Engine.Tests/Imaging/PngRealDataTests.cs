using System.Security.Cryptography;
using DeepPassport.Engine.Imaging;

namespace DeepPassport.Engine.Tests.Imaging;

public class PngRealDataTests
{
    [Fact]
    public void AllPngsUnderTheDataFolder_Decode()
    {
        if (TestData.RequireOrSkip() is not string root) return;
        string[] folders = ["passports/public_domain", "keys/cc0", "golden/jpeg"];
        var files = folders.SelectMany(f => Directory.GetFiles(Path.Combine(root, f), "*.png")).ToList();
        Assert.True(files.Count >= 20, $"found only {files.Count} PNGs");
        foreach (string file in files)
        {
            Image img = Png.Decode(file);
            Assert.True(img.Width > 0 && img.Height > 0);
            Assert.Equal(file.Contains("cc0") || file.Contains("camera") || file.Contains("coins") ? 1 : 3, img.Channels);
        }
    }

    [Theory]
    // SHA-256 of the pixel bytes, from an independent pure-Python decoder (zlib + the spec's filters).
    [InlineData("passports/public_domain/skimage_camera.png", 512, 512, 1, "5cb24482a53416f99052258be2b1ee38cd31c559a70c8a8b321cba231b332e21")]
    [InlineData("keys/cc0/brick.png", 512, 512, 1, "664a145c5253f0d66db1a12776785f0ea35a44cc7447ffc933f6d6118dc58643")]
    [InlineData("passports/public_domain/skimage_chelsea.png", 451, 300, 3, "416b729128bfb2c3d1eb69bf9b1734a796293abc17939267b2dc94f8a5784031")]
    [InlineData("golden/jpeg/keys__dtd__banded_0005.png", 300, 300, 3, "38dfb2acb34e6be2878fa8ea193c2568319323cd9419e5e8f9b81c7dc7fb55eb")]
    public void RealPngs_MatchAReferenceDecoder(string file, int w, int h, int c, string sha256)
    {
        if (TestData.RequireOrSkip() is not string root) return;
        Image img = Png.Decode(Path.Combine(root, file));
        Assert.Equal((w, h, c), (img.Width, img.Height, img.Channels));
        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(img.Pixels)));
    }
}
