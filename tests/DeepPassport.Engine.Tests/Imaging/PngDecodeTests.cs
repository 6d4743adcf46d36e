using DeepPassport.Engine.Imaging;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.Imaging;

public class PngDecodeTests
{
    public static TheoryData<PngColorType, int, bool> Formats()
    {
        var data = new TheoryData<PngColorType, int, bool>();
        foreach (bool interlace in new[] { false, true })
        {
            foreach (int d in new[] { 1, 2, 4, 8, 16 }) data.Add(PngColorType.Gray, d, interlace);
            foreach (int d in new[] { 1, 2, 4, 8 }) data.Add(PngColorType.Palette, d, interlace);
            foreach (var t in new[] { PngColorType.Rgb, PngColorType.GrayAlpha, PngColorType.Rgba })
                foreach (int d in new[] { 8, 16 }) data.Add(t, d, interlace);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Decodes_EveryColourTypeDepthAndInterlace(PngColorType type, int depth, bool interlace)
    {
        // Odd sizes leave partial bytes at row ends and make some Adam7 passes narrow; 1x1 and 2x3 leave passes empty.
        foreach (var (w, h) in new[] { (13, 11), (1, 1), (2, 3), (9, 17) })
        {
            var rng = new Rng((ulong)(w * 100 + h + depth * 7 + (int)type * 1000));
            int spp = type switch { PngColorType.Rgb => 3, PngColorType.GrayAlpha => 2, PngColorType.Rgba => 4, _ => 1 };
            int max = (1 << depth) - 1;
            int entries = type == PngColorType.Palette ? Math.Min(max + 1, 200) : 0;
            var samples = new int[w * h * spp];
            for (int i = 0; i < samples.Length; i++) samples[i] = rng.NextInt(entries > 0 ? entries : max + 1);
            byte[]? plte = null;
            if (entries > 0) { plte = new byte[3 * entries]; for (int i = 0; i < plte.Length; i++) plte[i] = (byte)rng.NextInt(256); }

            Image img = Png.Decode(TestPngWriter.Write(w, h, type, depth, samples, interlace, plte), "t.png");

            Assert.Equal((w, h), (img.Width, img.Height));
            Assert.Equal(type is PngColorType.Gray or PngColorType.GrayAlpha ? 1 : 3, img.Channels);
            Assert.Equal(Expected(type, depth, samples, spp, plte), img.Pixels);
        }
    }

    /// <summary>The documented conversion: high byte of 16-bit, low gray depths scaled to 0..255, palette looked up, alpha dropped.</summary>
    private static byte[] Expected(PngColorType type, int depth, int[] samples, int spp, byte[]? plte)
    {
        int pixels = samples.Length / spp;
        var outp = new List<byte>();
        for (int p = 0; p < pixels; p++)
        {
            if (type == PngColorType.Palette) { int k = samples[p]; outp.AddRange([plte![3 * k], plte[3 * k + 1], plte[3 * k + 2]]); continue; }
            int colours = type is PngColorType.Gray or PngColorType.GrayAlpha ? 1 : 3;
            for (int c = 0; c < colours; c++)
            {
                int v = samples[p * spp + c];
                outp.Add(depth switch { 16 => (byte)(v >> 8), 8 => (byte)v, _ => (byte)(v * 255 / ((1 << depth) - 1)) });
            }
        }
        return [.. outp];
    }

    [Fact]
    public void Transparency_IsAcceptedAndDropped()
    {
        int[] gray = [0, 100, 200, 255];
        Image g = Png.Decode(TestPngWriter.Write(2, 2, PngColorType.Gray, 8, gray, trns: [0, 100]), "g.png");
        Assert.Equal(new byte[] { 0, 100, 200, 255 }, g.Pixels);

        int[] rgb = [1, 2, 3, 4, 5, 6];
        Image c = Png.Decode(TestPngWriter.Write(2, 1, PngColorType.Rgb, 8, rgb, trns: [0, 1, 0, 2, 0, 3]), "c.png");
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, c.Pixels);

        byte[] plte = [10, 20, 30, 40, 50, 60];
        Image p = Png.Decode(TestPngWriter.Write(2, 1, PngColorType.Palette, 8, [1, 0], plte: plte, trns: [0]), "p.png");
        Assert.Equal(new byte[] { 40, 50, 60, 10, 20, 30 }, p.Pixels);
    }

    [Fact]
    public void Crc32_MatchesTheStandardCheckValue()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
    }
}
