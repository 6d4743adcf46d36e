using System.Diagnostics;
using DeepPassport.Engine.Imaging;
using Xunit.Abstractions;

namespace DeepPassport.Engine.Tests.Imaging;

/// <summary>
/// Truncations and random corruptions of real JPEGs: every decode must return an image or throw
/// <see cref="ImageFormatException"/>, never another exception, and never take long. Time-bounded.
/// </summary>
/// <remarks>
/// The seeds are cut to their first 32 lines by their frame header (see <see cref="JpegTestFiles.WithFrameHeight"/>):
/// every table, scan header and the start of every scan is still there, but a decode is ten times faster, so the
/// budget covers thousands of inputs instead of hundreds. One full-size run per seed is kept for truncations.
/// </remarks>
public class JpegFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void EmbeddedBaseline_SurvivesCorruption() => Fuzz("embedded seed", JpegSeed.Baseline(), TimeSpan.FromSeconds(4));

    [Fact]
    public void DataFolderSeeds_SurviveCorruption()
    {
        string? root = TestData.RequireOrSkip();
        if (root is null) return;
        // Two progressive files (the small ones) and a baseline 4:2:0 texture.
        foreach (string relative in new[] { "trigger_set/pics/47.jpg", "trigger_set/pics/29.jpg", "keys/dtd/banded_0002.jpg" })
        {
            string path = Path.Combine(root, relative);
            if (File.Exists(path)) Fuzz(relative, File.ReadAllBytes(path), TimeSpan.FromSeconds(3));
        }
    }

    private void Fuzz(string name, byte[] fullSeed, TimeSpan budget)
    {
        byte[] seed = JpegTestFiles.WithFrameHeight(fullSeed, 32);
        Assert.Equal(32, Jpeg.Decode(seed, name).Height); // the cut seed itself is a valid file
        var random = new Random(1234);
        var failures = new List<string>();
        var total = Stopwatch.StartNew();
        long slowest = 0;
        int runs = 0, images = 0;
        void Try(byte[] data, string what)
        {
            var one = Stopwatch.StartNew();
            try
            {
                Jpeg.Decode(data, name);
                images++;
            }
            catch (ImageFormatException e)
            {
                if (!e.Message.Contains(name)) failures.Add($"{what}: message does not name the file: {e.Message}");
            }
            catch (Exception e)
            {
                failures.Add($"{what}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
            slowest = Math.Max(slowest, one.ElapsedMilliseconds);
            runs++;
        }
        // The full-size file cut at 10 evenly spaced points: truncated scans of every kind.
        for (int k = 1; k <= 10; k++) Try(fullSeed[..(int)((long)fullSeed.Length * k / 11)], $"full file cut at {k}/11");
        // Then random mutations of the cut seed; half of them hit the first 2 KB, where the markers and tables are.
        // At least MinRuns whatever the machine's load (a busy CI box must not fail the test), more while time allows.
        while ((runs < MinRuns || total.Elapsed < budget) && failures.Count < 5)
        {
            (byte[] data, string what) = Mutate(seed, random, runs);
            Try(data, what);
        }
        output.WriteLine($"{name}: {runs} corrupt inputs in {total.ElapsedMilliseconds} ms, {images} still decoded, slowest {slowest} ms");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        Assert.True(slowest < 3000, $"one decode took {slowest} ms");
    }

    private const int MinRuns = 200;

    private static (byte[] Data, string What) Mutate(byte[] seed, Random random, int run)
    {
        int Position() => random.Next(2) == 0 ? random.Next(Math.Min(2048, seed.Length)) : random.Next(seed.Length);
        switch (run % 4)
        {
            case 0:
                int length = Position();
                return (seed[..length], $"truncated to {length} bytes");
            case 1:
            case 2:
                byte[] flipped = (byte[])seed.Clone();
                int flips = 1 + random.Next(4);
                var where = new List<int>();
                for (int i = 0; i < flips; i++)
                {
                    int at = Position();
                    flipped[at] ^= (byte)(1 << random.Next(8));
                    where.Add(at);
                }
                return (flipped, $"bits flipped at {string.Join(",", where)}");
            default:
                byte[] set = (byte[])seed.Clone();
                int pos = Position();
                byte value = (byte)(random.Next(3) == 0 ? 0xFF : random.Next(256));
                set[pos] = value;
                return (set, $"byte {pos} set to 0x{value:X2}");
        }
    }
}
