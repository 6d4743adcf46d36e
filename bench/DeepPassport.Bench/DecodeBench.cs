using DeepPassport.Engine.Imaging;

namespace DeepPassport.Bench;

/// <summary>Decoding throughput of the COCO passport photos (JPEG, about 640x480), on one thread.</summary>
public static class DecodeBench
{
    public static void Run(string dataRoot, int rounds)
    {
        var files = Directory.GetFiles(Path.Combine(dataRoot, "passports", "coco"), "*.jpg").Order(StringComparer.Ordinal).ToArray();
        var bytes = files.Select(File.ReadAllBytes).ToArray();
        long pixels = 0;
        double rate = Measure.MedianRate(rounds, () =>
        {
            pixels = 0;
            for (int i = 0; i < bytes.Length; i++) { var img = Jpeg.Decode(bytes[i], files[i]); pixels += (long)img.Width * img.Height; }
            return bytes.Length;
        });
        Console.WriteLine($"JPEG decode of {files.Length} COCO photos (1 thread): {rate:F1} images/s, {rate * pixels / files.Length / 1e6:F1} Mpixel/s");
    }
}
