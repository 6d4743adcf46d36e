using System.Buffers.Binary;
using DeepPassport.Engine.Imaging;

namespace DeepPassport.Engine.Tests.Imaging;

public class PngErrorTests
{
    private static byte[] Valid() => TestPngWriter.Write(3, 2, PngColorType.Rgb, 8, Enumerable.Range(0, 18).ToArray());

    private static ImageFormatException Fails(byte[] png)
    {
        var e = Assert.Throws<ImageFormatException>(() => Png.Decode(png, "bad.png"));
        Assert.Equal("bad.png", e.FileName);
        Assert.Contains("bad.png", e.Message);
        Assert.Contains(e.Problem, e.Message);
        return e;
    }

    [Fact]
    public void BadCrc_NamesTheChunk()
    {
        byte[] png = Valid();
        png[8 + 8 + 2] ^= 1; // a byte of IHDR's data
        Assert.Contains("IHDR", Fails(png).Problem);
        Assert.Contains("CRC", Fails(png).Problem);
    }

    [Fact]
    public void HugeHeader_IsRefusedBeforeAllocating()
    {
        byte[] png = TestPngWriter.Assemble(100000, 100000, 2, 8, false, [0x78, 0x9C, 3, 0, 0, 0, 0, 1]);
        Assert.Contains("larger than the limit", Fails(png).Problem);
    }

    [Fact]
    public void HugeButAllowedHeader_WithLittleData_FailsWithoutAllocatingTheImage()
    {
        // 16000 x 16000 RGBA16 is under Image.MaxPixels but needs ~2 GB of raw data; the file carries a few bytes.
        byte[] png = TestPngWriter.Assemble(16000, 16000, 6, 16, false, TestPngWriter.Compress(new byte[1000]));
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("ends after", Fails(png).Problem);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 50_000_000);
    }

    [Theory]
    [InlineData(2, 4)]   // RGB needs depth 8 or 16
    [InlineData(3, 16)]  // palette at most 8
    [InlineData(0, 3)]
    [InlineData(5, 8)]   // no colour type 5
    public void InvalidDepthOrType_IsRefused(byte type, byte depth)
    {
        Fails(TestPngWriter.Assemble(4, 4, type, depth, false, TestPngWriter.Compress(new byte[4 * 13])));
    }

    [Fact]
    public void ZeroWidth_IsRefused() => Fails(TestPngWriter.Assemble(0, 4, 0, 8, false, TestPngWriter.Compress(new byte[4])));

    [Fact]
    public void UnknownFilter_IsRefused()
    {
        byte[] raw = [7, 1, 2, 3]; // filter type 7 on a 3x1 gray row
        Assert.Contains("filter", Fails(TestPngWriter.Assemble(3, 1, 0, 8, false, TestPngWriter.Compress(raw))).Problem);
    }

    [Fact]
    public void ShortImageData_IsRefused()
    {
        byte[] raw = new byte[4 * 3]; // 3 rows of a 3x4 gray image instead of 4
        Assert.Contains("ends after", Fails(TestPngWriter.Assemble(3, 4, 0, 8, false, TestPngWriter.Compress(raw))).Problem);
    }

    [Fact]
    public void PaletteIndexOutOfRange_IsRefused()
    {
        byte[] png = TestPngWriter.Write(2, 1, PngColorType.Palette, 8, [0, 2], plte: [1, 2, 3, 4, 5, 6]);
        Assert.Contains("palette index", Fails(png).Problem);
    }

    [Fact]
    public void PaletteImageWithoutPlte_IsRefused() =>
        Fails(TestPngWriter.Write(2, 1, PngColorType.Palette, 8, [0, 0]));

    [Fact]
    public void MissingIend_AndWrongSignature_AreRefused()
    {
        byte[] png = Valid();
        Assert.Contains("IEND", Fails(png[..^12]).Problem);
        png[1] = (byte)'X';
        Assert.Contains("signature", Fails(png).Problem);
    }

    [Fact]
    public void ChunkLengthBeyondFile_IsRefused()
    {
        byte[] png = Valid();
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(8), 0x7FFFFFF0);
        Assert.Contains("truncated", Fails(png).Problem);
    }
}
