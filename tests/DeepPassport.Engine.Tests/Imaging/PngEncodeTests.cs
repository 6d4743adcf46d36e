using DeepPassport.Engine.Imaging;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.Imaging;

public class PngEncodeTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Encode_ThenDecode_GivesTheSamePixels(int channels)
    {
        var rng = new Rng(5);
        // Left half noise, right half a smooth ramp: different rows favour different filters.
        var img = new Image(37, 23, channels);
        for (int y = 0; y < img.Height; y++)
            for (int x = 0; x < img.Width; x++)
                for (int c = 0; c < channels; c++)
                    img[x, y, c] = x < 18 ? (byte)rng.NextInt(256) : (byte)(x * 3 + y * 5 + c * 40);

        byte[] png = Png.Encode(img);
        Image back = Png.Decode(png, "rt.png");

        Assert.Equal((img.Width, img.Height, channels), (back.Width, back.Height, back.Channels));
        Assert.Equal(img.Pixels, back.Pixels);
        Assert.Equal(channels == 1 ? 0 : 2, png[8 + 8 + 9]); // IHDR colour type
    }

    [Fact]
    public void Encode_ChoosesSeveralFilters()
    {
        // A smooth vertical gradient favours Up; a horizontal one favours Sub; the filter bytes show up in the raw data.
        var img = new Image(64, 8, 1);
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 64; x++)
                img[x, y, 0] = y < 4 ? (byte)(x * 4) : (byte)(y * 30);
        Image back = Png.Decode(Png.Encode(img), "f.png");
        Assert.Equal(img.Pixels, back.Pixels);
    }

    [Fact]
    public void Write_ThenRead_ThroughImageFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"dp-png-{Guid.NewGuid():N}.png");
        try
        {
            var img = new Image(5, 4, 3);
            for (int i = 0; i < img.Pixels.Length; i++) img.Pixels[i] = (byte)(i * 7);
            Png.Write(path, img);
            Assert.Equal(img.Pixels, ImageFile.Read(path).Pixels);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ImageFile_RefusesUnknownFormat()
    {
        var e = Assert.Throws<ImageFormatException>(() => ImageFile.Decode("GIF89a..."u8.ToArray(), "x.gif"));
        Assert.Equal("x.gif", e.FileName);
    }
}
