using System.Text.Json;
using DeepPassport.Engine.IO;

namespace DeepPassport.Tests.Cli;

public class PassportCliTests
{
    /// <summary>train --scheme v2 writes the deployment and owner artefacts; verify reports every key the issue names.</summary>
    [Fact]
    public void TrainV2ThenVerifyWithJson()
    {
        var data = CliHarness.FakeCifar(64);
        var run = CliHarness.TempDir();
        var r = CliHarness.Run("train", "--arch", "alexnet", "--scheme", "v2", "--norm", "gn", "--passport-config", "alexnet-last3",
            "--key-type", "shuffle", "--data", data, "--train-batches", "1", "--epochs", "1", "--batch-size", "16", "--seed", "2", "--out", run, "--owner-folder", "--json");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.True(File.Exists(Path.Combine(run, "deployment.safetensors")));
        Assert.True(File.Exists(Path.Combine(run, "owner", "passports.safetensors")));
        Assert.False(File.Exists(Path.Combine(run, "model.safetensors")));
        var metrics = JsonDocument.Parse(File.ReadAllLines(Path.Combine(run, "metrics.jsonl"))[0]).RootElement;
        foreach (var key in new[] { "deployment_accuracy", "verification_accuracy", "signature_detection" }) Assert.True(metrics.TryGetProperty(key, out _), key);
        var (state, _) = StateDictFile.Load(Path.Combine(run, "deployment.safetensors"));
        Assert.DoesNotContain(state.Keys, k => k.Contains("key"));

        r = CliHarness.Run("verify", "--deployment", Path.Combine(run, "deployment.safetensors"), "--owner", Path.Combine(run, "owner"),
            "--data", data, "--fake-draws", "2", "--fake-images", "32", "--json");
        Assert.True(r.ExitCode is 0 or 1, r.Error);
        var report = JsonDocument.Parse(r.Out).RootElement;
        foreach (var key in new[] { "deployment_accuracy", "verification_accuracy", "signature_detection", "bit_error_rate", "p_value",
                     "fake_passport_accuracy_mean", "trigger_accuracy", "verdict" })
            Assert.True(report.TryGetProperty(key, out _), key);
        Assert.Equal(JsonValueKind.Null, report.GetProperty("trigger_accuracy").ValueKind);
        Assert.Equal(r.ExitCode == 0 ? "owned" : "not_shown", report.GetProperty("verdict").GetString());

        // An independently trained plain model is not claimed: exit 1.
        var plainRun = CliHarness.TempDir();
        r = CliHarness.Run("train", "--arch", "alexnet", "--norm", "gn", "--data", data, "--train-batches", "1", "--epochs", "1", "--batch-size", "16", "--out", plainRun, "--json");
        Assert.True(r.ExitCode == 0, r.Error);
        r = CliHarness.Run("verify", "--deployment", Path.Combine(plainRun, "model.safetensors"), "--owner", Path.Combine(run, "owner"),
            "--data", data, "--fake-draws", "1", "--fake-images", "16", "--json");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("not_shown", JsonDocument.Parse(r.Out).RootElement.GetProperty("verdict").GetString());
    }

    /// <summary>ResNet-18 with passports in layer4 (including its shortcut) through train and verify, scheme V1.</summary>
    [Fact]
    public void ResNet18V1ThroughTheCli()
    {
        var data = CliHarness.FakeCifar(16);
        var run = CliHarness.TempDir();
        var r = CliHarness.Run("train", "--arch", "resnet18", "--scheme", "v1", "--key-type", "image", "--data", data, "--train-batches", "1",
            "--epochs", "1", "--batch-size", "8", "--out", run, "--owner-folder", "--json");
        Assert.True(r.ExitCode == 0, r.Error);
        r = CliHarness.Run("verify", "--deployment", Path.Combine(run, "deployment.safetensors"), "--owner", Path.Combine(run, "owner"),
            "--data", data, "--fake-draws", "1", "--fake-images", "8", "--json");
        Assert.True(r.ExitCode is 0 or 1, r.Error);
        var report = JsonDocument.Parse(r.Out).RootElement;
        Assert.Equal(2560, report.GetProperty("layers").EnumerateArray().Sum(l => l.GetProperty("bits").GetInt32()));
        // V1 ships its passport branch materialised: the owner's passports reproduce the deployment exactly.
        Assert.Equal(report.GetProperty("deployment_accuracy").GetDouble(), report.GetProperty("verification_accuracy").GetDouble(), 6);
    }

    /// <summary>V3 mixes trigger samples into every batch; the trigger accuracy of the deployment is reported by train and verify.</summary>
    [Fact]
    public void V3ReportsTriggerAccuracy()
    {
        var data = CliHarness.FakeCifar(32);
        var trigger = Path.Combine(data, "trigger_set");
        Directory.CreateDirectory(Path.Combine(trigger, "pics"));
        var rng = new Random(5);
        for (int i = 0; i < 6; i++)
        {
            var img = new DeepPassport.Engine.Imaging.Image(40, 40, 3);
            rng.NextBytes(img.Pixels);
            File.WriteAllBytes(Path.Combine(trigger, "pics", $"{i}.png"), DeepPassport.Engine.Imaging.Png.Encode(img));
        }
        File.WriteAllLines(Path.Combine(trigger, "labels-cifar.txt"), Enumerable.Range(0, 6).Select(i => $"{i % 10}.0"));
        var run = CliHarness.TempDir();
        var r = CliHarness.Run("train", "--scheme", "v3", "--norm", "gn", "--key-type", "random", "--data", data, "--train-batches", "1",
            "--epochs", "1", "--batch-size", "16", "--out", run, "--owner-folder", "--json");
        Assert.True(r.ExitCode == 0, r.Error);
        var summary = JsonDocument.Parse(r.Out).RootElement;
        Assert.InRange(summary.GetProperty("trigger_accuracy").GetDouble(), 0, 1);
        r = CliHarness.Run("verify", "--deployment", Path.Combine(run, "deployment.safetensors"), "--owner", Path.Combine(run, "owner"),
            "--data", data, "--fake-draws", "1", "--fake-images", "8", "--json");
        Assert.True(r.ExitCode is 0 or 1, r.Error);
        Assert.Equal(JsonValueKind.Number, JsonDocument.Parse(r.Out).RootElement.GetProperty("trigger_accuracy").ValueKind);
    }

    [Fact]
    public void BadPassportOptionsAreUsageErrors()
    {
        var data = CliHarness.FakeCifar(16);
        var run = CliHarness.TempDir();
        var r = CliHarness.Run("train", "--passport-config", "alexnet-all", "--data", data, "--out", run);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--scheme", r.Error);

        var config = Path.Combine(run, "my.json");
        File.WriteAllText(config, """{"4": true, "9": true}""");
        r = CliHarness.Run("train", "--scheme", "v2", "--passport-config", config, "--data", data, "--out", run);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown layer '9'", r.Error);
        Assert.Contains("my.json", r.Error);

        File.WriteAllText(config, """{"0": "a signature much longer than eight bytes"}""");
        r = CliHarness.Run("train", "--scheme", "v1", "--passport-config", config, "--data", data, "--out", run);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("64 channels", r.Error);

        r = CliHarness.Run("train", "--scheme", "v2", "--passport-config", "resnet18-all", "--data", data, "--out", run);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("resnet18", r.Error);

        r = CliHarness.Run("verify", "--deployment", Path.Combine(run, "nope.safetensors"), "--owner", run, "--data", data);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("owner.json", r.Error);
    }
}

public class PanSpCliTests
{
    private static string Photo(string dir, string name, int seed)
    {
        var rng = new Random(seed);
        var img = new DeepPassport.Engine.Imaging.Image(40, 36, 3);
        rng.NextBytes(img.Pixels);
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, DeepPassport.Engine.Imaging.Png.Encode(img));
        return path;
    }

    [Theory]
    [InlineData("pan")]
    [InlineData("sp")]
    public void TrainThenVerify(string scheme)
    {
        var data = CliHarness.FakeCifar(32);
        var run = CliHarness.TempDir();
        var passphraseFile = Path.Combine(run, "passphrase.txt");
        File.WriteAllText(passphraseFile, "correct horse battery staple\n");
        var args = new List<string> { "train", "--arch", "alexnet", "--scheme", scheme, "--norm", "bn", "--data", data, "--train-batches", "1",
            "--epochs", "1", "--batch-size", "16", "--seed", "4", "--out", run, "--passphrase-file", passphraseFile, "--json" };
        if (scheme == "sp") args.AddRange(["--owner-passport", Photo(run, "a.png", 1) + "," + Photo(run, "b.png", 2), "--balance-weight", "0.1", "--gamma-t-init", "signature"]);
        var r = CliHarness.Run([.. args]);
        Assert.True(r.ExitCode == 0, r.Error);
        var deploymentPath = Path.Combine(run, "deployment.safetensors");
        var (state, _) = StateDictFile.Load(deploymentPath);
        Assert.DoesNotContain(state.Keys, k => k.Contains("bn1") || k.Contains("fc.") || k.Contains("scale") || k.Contains("key"));
        // The secrets are in the encrypted vault only: no plain owner folder, and no private tensor's bytes in the deployment.
        var vault = Path.Combine(run, "owner.vault");
        Assert.False(Directory.Exists(Path.Combine(run, "owner")));
        var secrets = DeepPassport.Owner.OwnerSecrets.LoadVault(vault, "correct horse battery staple");
        Assert.Equal(scheme == "sp", secrets.OwnerPassport is not null);
        var deploymentBytes = File.ReadAllBytes(deploymentPath);
        var secretTensors = secrets.Private.Entries.Select(kv => (kv.Key, kv.Value.Tensor))
            .Concat(secrets.Keys.SelectMany(k => new[] { (k.Path + ".key", (DeepPassport.Engine.Tensors.Tensor?)k.PassportBeta), (k.Path + ".skey", k.PassportGamma) }));
        // A private tensor equal to a whole public one carries nothing secret (the first layer's bn1 statistics equal
        // bn0's: both branches normalise the same conv output); constants say nothing either.
        var publicTensors = state.Select(kv => kv.Value.Tensor).OfType<DeepPassport.Engine.Tensors.Tensor>().ToList();
        foreach (var (name, t) in secretTensors)
        {
            if (t is null || t.Size < 4 || t.Data[0] == t.Data[1] && t.Data[1] == t.Data[2]) continue;
            if (publicTensors.Any(p => p.Data.AsSpan().SequenceEqual(t.Data))) continue;
            var probe = System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.Data.AsSpan(0, 4)).ToArray();
            Assert.True(deploymentBytes.AsSpan().IndexOf(probe) < 0, $"bytes of private tensor {name} appear in the deployment file");
        }

        r = CliHarness.Run("verify", "--deployment", deploymentPath, "--owner", vault, "--passphrase-file", passphraseFile,
            "--data", data, "--fake-draws", "1", "--fake-images", "16", "--json");
        Assert.True(r.ExitCode is 0 or 1, r.Error);
        var report = JsonDocument.Parse(r.Out).RootElement;
        Assert.Equal(scheme, report.GetProperty("scheme").GetString());
        Assert.Equal(5, report.GetProperty("layers").GetArrayLength());   // all five convs by default
    }

    [Fact]
    public void SpOptionsAreChecked()
    {
        var data = CliHarness.FakeCifar(16);
        var run = CliHarness.TempDir();
        var r = CliHarness.Run("train", "--scheme", "v2", "--hash-rule", "compat", "--data", data, "--out", run);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--hash-rule belongs to --scheme sp", r.Error);
        r = CliHarness.Run("train", "--scheme", "sp", "--owner-passport", "only-one.png", "--data", data, "--out", run);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("two image files", r.Error);
        r = CliHarness.Run("train", "--scheme", "sp", "--key-type", "random", "--data", data, "--out", run);
        Assert.Equal(2, r.ExitCode);
        r = CliHarness.Run("train", "--scheme", "pan", "--gamma-t-init", "signature", "--data", data, "--out", run);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--gamma-t-init belongs to --scheme sp", r.Error);
        r = CliHarness.Run("train", "--scheme", "sp", "--gamma-t-init", "zeros", "--data", data, "--out", run);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--gamma-t-init", r.Error);
    }
}
