using System.Diagnostics;
using DeepPassport.Engine.Imaging;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.Imaging;

public class PngFuzzTests
{
    private static IEnumerable<byte[]> Seeds()
    {
        var rng = new Rng(11);
        int[] Samples(int n, int max) { var s = new int[n]; for (int i = 0; i < n; i++) s[i] = rng.NextInt(max); return s; }
        yield return TestPngWriter.Write(24, 17, PngColorType.Rgb, 8, Samples(24 * 17 * 3, 256), interlace: true);
        yield return TestPngWriter.Write(19, 9, PngColorType.Palette, 4, Samples(19 * 9, 16), plte: [.. Enumerable.Range(0, 48).Select(i => (byte)i)]);
        yield return TestPngWriter.Write(11, 13, PngColorType.GrayAlpha, 16, Samples(11 * 13 * 2, 65536));
        var img = new Image(20, 20, 3);
        for (int i = 0; i < img.Pixels.Length; i++) img.Pixels[i] = (byte)(i % 251);
        yield return Png.Encode(img);
    }

    /// <summary>Decoding must return an image or throw <see cref="ImageFormatException"/>, nothing else.</summary>
    private static void DecodeOrFormatError(byte[] data)
    {
        try { Png.Decode(data, "fuzz.png"); }
        catch (ImageFormatException) { }
    }

    [Fact]
    public void TruncationsAndBitFlips_GiveAnImageOrAFormatError()
    {
        var clock = Stopwatch.StartNew();
        var rng = new Rng(2024);
        int cases = 0;
        foreach (byte[] seed in Seeds())
        {
            DecodeOrFormatError(seed);
            for (int len = 0; len < seed.Length; len++) { DecodeOrFormatError(seed[..len]); cases++; }
            for (int k = 0; k < 1500 && clock.Elapsed.TotalSeconds < 8; k++)
            {
                byte[] m = (byte[])seed.Clone();
                int flips = 1 + rng.NextInt(4);
                for (int f = 0; f < flips; f++) m[rng.NextInt(m.Length)] ^= (byte)(1 << rng.NextInt(8));
                // Half the cases get valid CRCs again, so the mutation reaches IHDR checks, zlib and the filters.
                if (k % 2 == 0) TestPngWriter.FixCrcs(m);
                DecodeOrFormatError(m);
                cases++;
            }
        }
        Assert.True(cases > 3000, $"only {cases} cases ran");
        Assert.True(clock.Elapsed.TotalSeconds < 10, $"fuzzing took {clock.Elapsed.TotalSeconds:F1} s");
    }
}
