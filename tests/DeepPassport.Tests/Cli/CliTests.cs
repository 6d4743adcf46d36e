using System.Text.Json;

namespace DeepPassport.Tests.Cli;

public class CliTests
{
    [Theory]
    [InlineData("train", "--passphrase-file")]
    [InlineData("verify", "--owner")]
    [InlineData("demo", "--train-images")]
    public void EveryCommandExplainsItselfWithHelp(string command, string option)
    {
        var r = CliHarness.Run(command, "--data", "/nowhere", "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains($"deeppassport {command} ", r.Out);
        Assert.Contains(option, r.Out);
    }

    [Fact]
    public void UnknownCommandAndOptionsAreUsageErrors()
    {
        Assert.Equal(2, CliHarness.Run("fly").ExitCode);
        var r = CliHarness.Run("eval", "--model", "x.safetensors", "--data", CliHarness.TempDir(), "--colour", "red");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--colour", r.Error);
        r = CliHarness.Run("train", "--data", CliHarness.FakeCifar(8));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--out", r.Error);
        r = CliHarness.Run("train", "--epochs", "zero", "--out", "x");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--epochs", r.Error);
    }

    /// <summary>An error names its command once: "deeppassport bench: option --rounds …", not "deeppassport bench: bench: …".</summary>
    [Fact]
    public void ErrorsNameTheCommandOnce()
    {
        var r = CliHarness.Run("bench", "--rounds", "0");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("deeppassport bench: option --rounds", r.Error);
        r = CliHarness.Run("license", "verify", "--owner", "x.vault", "--passport", "/no/such/passport.png");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("deeppassport license verify: ", r.Error);
        Assert.DoesNotContain("license verify: license verify", r.Error);
    }

    [Fact]
    public void MissingDataFolderIsNamed()
    {
        var r = CliHarness.Run("train", "--data", "/no/such/folder", "--out", CliHarness.TempDir());
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("/no/such/folder", r.Error);
    }

    [Fact]
    public void TruncatedCifarFileIsNamed()
    {
        var dir = CliHarness.FakeCifar(8);
        var batch = Path.Combine(dir, "data_batch_1.bin");
        var bytes = File.ReadAllBytes(batch);
        File.WriteAllBytes(batch, bytes[..(bytes.Length - 100)]);
        var r = CliHarness.Run("train", "--data", dir, "--train-batches", "1", "--epochs", "1", "--out", CliHarness.TempDir());
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("data_batch_1.bin", r.Error);
    }

    [Fact]
    public void BadModelFilesAreNamed()
    {
        var data = CliHarness.FakeCifar(8);
        var bad = Path.Combine(CliHarness.TempDir(), "bad.safetensors");
        File.WriteAllBytes(bad, [200, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'}']);
        var r = CliHarness.Run("eval", "--model", bad, "--data", data);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("bad.safetensors", r.Error);
        r = CliHarness.Run("eval", "--model", Path.Combine(data, "missing.safetensors"), "--data", data);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("missing.safetensors", r.Error);
    }

    [Fact]
    public void TrainThenEvalAgreeAndWriteTheRunDirectory()
    {
        var data = CliHarness.FakeCifar(64);
        var run = CliHarness.TempDir();
        var r = CliHarness.Run("train", "--arch", "alexnet", "--norm", "bn", "--data", data, "--train-batches", "1",
            "--epochs", "2", "--batch-size", "16", "--seed", "3", "--out", run, "--json");
        Assert.True(r.ExitCode == 0, r.Error);
        var lines = File.ReadAllLines(Path.Combine(run, "metrics.jsonl"));
        Assert.Equal(2, lines.Length);
        var last = JsonDocument.Parse(lines[1]).RootElement;
        Assert.Equal(2, last.GetProperty("epoch").GetInt32());
        // The run keeps its best epoch; the summary says which and how well it did.
        double testAcc = JsonDocument.Parse(r.Out).RootElement.GetProperty("test_accuracy").GetDouble();
        foreach (var key in new[] { "loss", "train_accuracy", "seconds" }) Assert.True(last.TryGetProperty(key, out _), key);
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "manifest.json"))).RootElement;
        Assert.Equal(3UL, manifest.GetProperty("seed").GetUInt64());
        Assert.True(manifest.GetProperty("data_sha256").TryGetProperty("data_batch_1.bin", out _));

        r = CliHarness.Run("eval", "--model", Path.Combine(run, "model.safetensors"), "--data", data, "--json");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(testAcc, JsonDocument.Parse(r.Out).RootElement.GetProperty("test_accuracy").GetDouble(), 6);

        // A model of another architecture does not load silently.
        r = CliHarness.Run("eval", "--model", Path.Combine(run, "model.safetensors"), "--arch", "resnet18", "--data", data);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("model.safetensors", r.Error);
    }
    /// <summary>
    /// The same command twice writes the same model, to the bit, and the same losses: a researcher's run repeats (the
    /// weight-gradient sums split between threads keep their order).
    /// </summary>
    [Fact]
    public void TrainingRepeatsToTheBit()
    {
        var data = CliHarness.FakeCifar(64);
        var runs = new[] { CliHarness.TempDir(), CliHarness.TempDir() };
        foreach (var run in runs)
        {
            var r = CliHarness.Run("train", "--arch", "alexnet", "--norm", "bn", "--data", data, "--train-batches", "1",
                "--epochs", "1", "--batch-size", "16", "--seed", "5", "--out", run);
            Assert.True(r.ExitCode == 0, r.Error);
        }
        Assert.Equal(File.ReadAllBytes(Path.Combine(runs[0], "model.safetensors")), File.ReadAllBytes(Path.Combine(runs[1], "model.safetensors")));
        static double Loss(string run) => JsonDocument.Parse(File.ReadAllLines(Path.Combine(run, "metrics.jsonl"))[0]).RootElement.GetProperty("loss").GetDouble();
        Assert.Equal(Loss(runs[0]), Loss(runs[1]));
    }
}
