using DeepPassport.Cli;

namespace DeepPassport.Tests.Cli;

/// <summary>Runs `deeppassport` in-process and captures what it prints.</summary>
public static class CliHarness
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static Result Run(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        using var o = new StringWriter(); using var e = new StringWriter();
        Console.SetOut(o); Console.SetError(e);
        try { return new Result(CommandRunner.Run(args), o.ToString(), e.ToString()); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
    }

    public static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "dp-cli-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>A tiny CIFAR-10 folder: data_batch_1 and test_batch of <paramref name="records"/> learnable records each.</summary>
    public static string FakeCifar(int records = 64)
    {
        var dir = TempDir();
        var shapes = new DeepPassport.Engine.Data.SyntheticShapes(2 * records, seed: 9);
        var pixels = new float[3072];
        foreach (var (name, offset) in new[] { ("data_batch_1.bin", 0), ("test_batch.bin", records) })
        {
            using var f = File.Create(Path.Combine(dir, name));
            for (int i = 0; i < records; i++)
            {
                shapes.CopyImage(offset + i, pixels);
                f.WriteByte((byte)shapes.Label(offset + i));
                foreach (float v in pixels) f.WriteByte((byte)Math.Round(v * 255));
            }
        }
        File.WriteAllLines(Path.Combine(dir, "batches.meta.txt"), DeepPassport.Engine.Data.SyntheticShapes.Names);
        return dir;
    }
}
