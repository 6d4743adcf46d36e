using DeepPassport.Engine.Imaging;

namespace DeepPassport.Engine.Tests.Imaging;

public class JpegDecoderTests
{
    private const string Name = "seed.jpg";

    private static ImageFormatException Fails(byte[] data, string expectInMessage)
    {
        var e = Assert.Throws<ImageFormatException>(() => Jpeg.Decode(data, Name));
        Assert.Contains(Name, e.Message);
        Assert.Contains(expectInMessage, e.Message);
        Assert.Equal(Name, e.FileName);
        return e;
    }

    [Fact]
    public void EmbeddedSeed_Decodes()
    {
        Image image = Jpeg.Decode(JpegSeed.Baseline(), Name);
        Assert.Equal((320, 240, 3), (image.Width, image.Height, image.Channels));
        Assert.True(image.Pixels.Distinct().Count() > 100, "decoded image looks blank");
    }

    [Fact]
    public void MissingEoi_IsTolerated()
    {
        byte[] seed = JpegSeed.Baseline();
        Assert.Equal(0xD9, seed[^1]);
        Image full = Jpeg.Decode(seed, Name), cut = Jpeg.Decode(seed[..^2], Name);
        Assert.Equal(full.Pixels, cut.Pixels);
    }

    [Fact]
    public void TruncatedScan_IsRefused() => Fails(JpegSeed.Baseline()[..^2000], "truncated");

    [Fact]
    public void NotAJpeg_IsRefused() => Fails([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], "no SOI");

    [Theory]
    [InlineData(0xC9, "arithmetic-coded JPEG is not supported")]
    [InlineData(0xCA, "arithmetic-coded JPEG is not supported")]
    [InlineData(0xC3, "lossless JPEG is not supported")]
    [InlineData(0xC5, "hierarchical")]
    public void UnsupportedProcesses_AreRefused(int sof, string message)
    {
        byte[] data = JpegSeed.Baseline();
        data[JpegTestFiles.FindMarker(data, 0xC0) + 1] = (byte)sof;
        Fails(data, message);
    }

    [Fact]
    public void TwelveBitPrecision_IsRefused()
    {
        byte[] data = JpegSeed.Baseline();
        data[JpegTestFiles.FindMarker(data, 0xC0) + 4] = 12;
        Fails(data, "12-bit sample precision is not supported");
    }

    [Theory]
    [InlineData(65535, 65535, "larger than the limit")]
    [InlineData(16000, 16000, "needs at least")] // below Image.MaxPixels, but far more blocks than the file has bits
    [InlineData(0, 100, "width is 0")]
    public void HugeOrEmptyFrames_AreRefusedWithoutAllocating(int width, int height, string message)
    {
        byte[] data = JpegTestFiles.WithFrameSize(JpegSeed.Baseline(), width, height);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Fails(data, message);
        Assert.True(watch.ElapsedMilliseconds < 1000, $"took {watch.ElapsedMilliseconds} ms");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ExifOrientation6_TurnsTheImageClockwise(bool bigEndian)
    {
        byte[] plain = JpegSeed.Baseline();
        byte[] rotated = JpegTestFiles.WithExifOrientation(plain, 6, bigEndian);
        Image raw = Jpeg.Decode(plain, Name);
        Image upright = Jpeg.Decode(rotated, Name);
        Assert.Equal((raw.Height, raw.Width), (upright.Width, upright.Height));
        // Turning clockwise: upright (x, y) shows stored (y, H-1-x).
        for (int y = 0; y < upright.Height; y += 7)
            for (int x = 0; x < upright.Width; x += 5)
                for (int c = 0; c < 3; c++)
                    Assert.Equal(raw[y, raw.Height - 1 - x, c], upright[x, y, c]);
        // Without applying it, the raw decode comes back.
        Assert.Equal(raw.Pixels, Jpeg.Decode(rotated, Name, applyExifOrientation: false).Pixels);
    }

    [Theory]
    [InlineData(1, "abc/def")]
    [InlineData(2, "cba/fed")]
    [InlineData(3, "fed/cba")]
    [InlineData(4, "def/abc")]
    [InlineData(5, "ad/be/cf")]
    [InlineData(6, "da/eb/fc")]
    [InlineData(7, "fc/eb/da")]
    [InlineData(8, "cf/be/ad")]
    public void ExifOrientation_AllEight(int orientation, string expected)
    {
        var image = new Image(3, 2, 1, "abcdef"u8.ToArray());
        Image upright = ExifOrientation.Apply(image, orientation);
        var rows = Enumerable.Range(0, upright.Height)
            .Select(y => new string(Enumerable.Range(0, upright.Width).Select(x => (char)upright[x, y, 0]).ToArray()));
        Assert.Equal(expected, string.Join("/", rows));
    }

    [Fact]
    public void ExifOrientation_MalformedTiff_MeansUpright()
    {
        Assert.Equal(1, ExifOrientation.Read([]));
        Assert.Equal(1, ExifOrientation.Read([0x49, 0x49, 42, 0, 0xFF, 0xFF, 0xFF, 0x7F]));
        Assert.Equal(1, ExifOrientation.Read([0x58, 0x58, 42, 0, 8, 0, 0, 0]));
    }
}
