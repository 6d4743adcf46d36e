using System.Text;
using DeepPassport.Engine.Imaging;
using Xunit.Abstractions;

namespace DeepPassport.Engine.Tests.Imaging;

/// <summary>
/// Compares our decode of every JPEG that has a libjpeg-turbo reference in <c>golden/jpeg</c> of the data folder,
/// and checks that every JPEG of the data folder decodes. With DEEPPASSPORT_WRITE_DOCS=1 the figures are written
/// to docs/jpeg.md.
/// </summary>
public class JpegGoldenTests(ITestOutputHelper output)
{
    [Fact]
    public void MatchesLibjpegTurboReferences()
    {
        string? root = TestData.RequireOrSkip();
        if (root is null) return;
        string[] pngs = Directory.GetFiles(Path.Combine(root, "golden", "jpeg"), "*.png");
        Assert.NotEmpty(pngs);
        Array.Sort(pngs, StringComparer.Ordinal);
        var table = new StringBuilder();
        table.AppendLine("| file | progressive | size | MAE | max error |");
        table.AppendLine("|---|---|---|---|---|");
        var failures = new List<string>();
        foreach (string png in pngs)
        {
            // "<path with / as __>.png", where the JPEG's own extension was replaced by .png.
            string stem = Path.GetFileNameWithoutExtension(png).Replace("__", "/");
            string relative = new[] { ".jpg", ".jpeg", ".JPG", ".JPEG", "" }.Select(e => stem + e)
                .FirstOrDefault(r => File.Exists(Path.Combine(root, r))) ?? throw new FileNotFoundException($"no JPEG for {png}");
            byte[] jpeg = File.ReadAllBytes(Path.Combine(root, relative));
            Image ours = Jpeg.Decode(jpeg, relative, applyExifOrientation: false);
            Image reference = ReferencePng.Read(png);
            Assert.Equal((reference.Width, reference.Height), (ours.Width, ours.Height));
            // The references are RGB8 even for gray JPEGs: expand ours to compare.
            byte[] ourRgb = ours.Channels == 3 ? ours.Pixels : ours.Pixels.SelectMany(v => new[] { v, v, v }).ToArray();
            Assert.Equal(3, reference.Channels);
            long sum = 0;
            int max = 0;
            for (int i = 0; i < ourRgb.Length; i++)
            {
                int d = Math.Abs(ourRgb[i] - reference.Pixels[i]);
                sum += d;
                if (d > max) max = d;
            }
            double mae = (double)sum / ourRgb.Length;
            bool progressive = IsProgressive(jpeg);
            string line = $"| {relative} | {(progressive ? "yes" : "no")} | {ours.Width}x{ours.Height} | {mae:F3} | {max} |";
            output.WriteLine(line);
            table.AppendLine(line);
            if (mae >= 1.0 || max >= 8) failures.Add(line);
        }
        if (Environment.GetEnvironmentVariable("DEEPPASSPORT_WRITE_DOCS") == "1") WriteDocsTable(table.ToString());
        Assert.True(failures.Count == 0, "Too far from libjpeg-turbo:\n" + string.Join("\n", failures));
    }

    [Fact]
    public void EveryJpegInTheDataFolderDecodes()
    {
        string? root = TestData.RequireOrSkip();
        if (root is null) return;
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase))
            .ToList();
        Assert.NotEmpty(files);
        int decoded = 0;
        foreach (string file in files)
        {
            byte[] data = File.ReadAllBytes(file);
            if (!Jpeg.IsJpeg(data))
            {
                // A few trigger-set "*.jpg" files are really PNGs: the decoder must refuse them cleanly.
                var e = Assert.Throws<ImageFormatException>(() => Jpeg.Decode(data, file));
                Assert.Contains(file, e.Message);
                output.WriteLine($"not a JPEG (refused as expected): {file}");
                continue;
            }
            Image image = Jpeg.Decode(data, file);
            Assert.True(image.Width > 0 && image.Height > 0);
            decoded++;
        }
        output.WriteLine($"{decoded} of {files.Count} files decoded");
    }

    /// <summary>Whether the first frame header is SOF2.</summary>
    internal static bool IsProgressive(byte[] jpeg)
    {
        for (int i = 2; i + 3 < jpeg.Length;)
        {
            if (jpeg[i] != 0xFF) return false;
            int marker = jpeg[i + 1];
            if (marker is 0xC0 or 0xC1) return false;
            if (marker == 0xC2) return true;
            i += 2 + ((jpeg[i + 2] << 8) | jpeg[i + 3]);
        }
        return false;
    }

    private static void WriteDocsTable(string table)
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "DeepPassport.sln"))) dir = Path.GetDirectoryName(dir);
        if (dir is null) return;
        string path = Path.Combine(dir, "docs", "jpeg.md");
        string text = File.Exists(path) ? File.ReadAllText(path) : "";
        const string begin = "<!-- golden-table:begin -->", end = "<!-- golden-table:end -->";
        int a = text.IndexOf(begin, StringComparison.Ordinal), b = text.IndexOf(end, StringComparison.Ordinal);
        string block = begin + "\n" + table + end;
        text = a >= 0 && b > a ? text[..a] + block + text[(b + end.Length)..] : text + "\n" + block + "\n";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
