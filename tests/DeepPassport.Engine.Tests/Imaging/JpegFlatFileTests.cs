using DeepPassport.Engine.Imaging;

namespace DeepPassport.Engine.Tests.Imaging;

/// <summary>Restart intervals, grayscale and sampling layouts on synthetic flat-block files with known pixels.</summary>
public class JpegFlatFileTests
{
    private static int Pattern(int component, int bx, int by) => (37 * bx + 71 * by + 50 * component) % 200 + 20;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void Gray_WithAndWithoutRestarts_IsExact(int restartInterval)
    {
        byte[] file = FlatJpegWriter.Write(37, 21, [(1, 1, 1)], Pattern, restartInterval);
        Image image = Jpeg.Decode(file, "gray.jpg");
        Assert.Equal((37, 21, 1), (image.Width, image.Height, image.Channels));
        for (int y = 0; y < 21; y++)
            for (int x = 0; x < 37; x++)
                Assert.Equal(Pattern(0, x / 8, y / 8), image[x, y, 0]);
    }

    [Fact]
    public void Rgb444_AdobeLessWithRgbIds_IsExact()
    {
        // Component ids 'R','G','B' and no JFIF/Adobe marker: the samples are RGB already.
        byte[] file = FlatJpegWriter.Write(20, 12, [('R', 1, 1), ('G', 1, 1), ('B', 1, 1)], Pattern, restartInterval: 2);
        Image image = Jpeg.Decode(file, "rgb.jpg");
        for (int y = 0; y < 12; y++)
            for (int x = 0; x < 20; x++)
                for (int c = 0; c < 3; c++)
                    Assert.Equal(Pattern(c, x / 8, y / 8), image[x, y, c]);
    }

    [Fact]
    public void WrongRestartMarker_IsRefused()
    {
        byte[] file = FlatJpegWriter.Write(64, 8, [(1, 1, 1)], Pattern, restartInterval: 1);
        int rst1 = Enumerable.Range(0, file.Length - 1).First(i => file[i] == 0xFF && file[i + 1] == 0xD1);
        file[rst1 + 1] = 0xD5;
        var e = Assert.Throws<ImageFormatException>(() => Jpeg.Decode(file, "rst.jpg"));
        Assert.Contains("RST1", e.Message);
    }

    [Theory]
    [InlineData(2, 1)] // 4:2:2
    [InlineData(2, 2)] // 4:2:0
    [InlineData(4, 1)] // 4:1:1
    [InlineData(1, 2)] // 4:4:0
    [InlineData(3, 1)] // not a power of two: replicated
    public void SubsampledChroma_OfUniformImage_IsUniform(int h, int v)
    {
        // Y varies per block; chroma is neutral (128), so R = G = B = Y whatever the upsampling does.
        byte[] file = FlatJpegWriter.Write(45, 29, [(1, h, v), (2, 1, 1), (3, 1, 1)],
            (c, bx, by) => c == 0 ? Pattern(0, bx, by) : 128, restartInterval: 1);
        Image image = Jpeg.Decode(file, "sub.jpg");
        Assert.Equal((45, 29, 3), (image.Width, image.Height, image.Channels));
        for (int y = 0; y < 29; y++)
            for (int x = 0; x < 45; x++)
                for (int c = 0; c < 3; c++)
                    Assert.Equal(Pattern(0, x / 8, y / 8), image[x, y, c]);
    }
}
