using DeepPassport.Engine.Imaging;

namespace DeepPassport.Engine.Tests.Imaging;

public class ImageResizeTests
{
    private static Image Row(params byte[] values) => new(values.Length, 1, 1, values);

    private static Image Column(params byte[] values) => new(1, values.Length, 1, values);

    [Fact]
    public void Bilinear_Downscale_AveragesWithAStretchedTriangle()
    {
        // Output 0: centre 1.0, support 2: weights 0.75, 0.75, 0.25 on inputs 0..2 -> (0.75*70 + 0.25*140) / 1.75 = 50.
        // Output 1: centre 3.0: weights 0.25, 0.75, 0.75 on inputs 1..3 -> (17.5 + 105 + 157.5) / 1.75 = 160.
        Assert.Equal(new byte[] { 50, 160 }, ImageResize.Bilinear(Row(0, 70, 140, 210), 2, 1).Pixels);
        Assert.Equal(new byte[] { 50, 160 }, ImageResize.Bilinear(Column(0, 70, 140, 210), 1, 2).Pixels);
    }

    [Fact]
    public void Bilinear_Upscale_InterpolatesBetweenPixelCentres()
    {
        // Output centres at input 0.25, 0.75, 1.25, 1.75: clamped at the ends, 1/4 and 3/4 mixes inside.
        Assert.Equal(new byte[] { 0, 25, 75, 100 }, ImageResize.Bilinear(Row(0, 100), 4, 1).Pixels);
    }

    [Fact]
    public void Bilinear_IsSeparable_WidthThenHeight_AndKeepsConstants()
    {
        var img = new Image(7, 5, 3);
        Array.Fill(img.Pixels, (byte)123);
        Image r = ImageResize.Bilinear(img, 3, 11);
        Assert.Equal((3, 11, 3), (r.Width, r.Height, r.Channels));
        Assert.All(r.Pixels, v => Assert.Equal(123, v));

        Image same = ImageResize.Bilinear(img, 7, 5);
        Assert.Equal(img.Pixels, same.Pixels);
        Assert.NotSame(img.Pixels, same.Pixels);
    }

    [Fact]
    public void Area_AveragesCoveredFractions()
    {
        Assert.Equal(new byte[] { 35, 175 }, ImageResize.Area(Row(0, 70, 140, 210), 2, 1).Pixels);
        // 3 -> 2: [0, 1.5) and [1.5, 3): (0 + 0.5*90) / 1.5 = 30, (0.5*90 + 180) / 1.5 = 150.
        Assert.Equal(new byte[] { 30, 150 }, ImageResize.Area(Column(0, 90, 180), 1, 2).Pixels);
    }

    [Theory]
    [InlineData(100, 50, 64, 32)]
    [InlineData(50, 75, 32, 48)]
    [InlineData(33, 100, 32, 96)]  // int(32 * 100 / 33) = int(96.97) = 96
    [InlineData(32, 32, 32, 32)]
    public void ShorterSide_MatchesTorchvisionResizeInt(int w, int h, int ew, int eh)
    {
        Image r = ImageResize.ShorterSide(new Image(w, h, 1), 32);
        Assert.Equal((ew, eh), (r.Width, r.Height));
    }
}
