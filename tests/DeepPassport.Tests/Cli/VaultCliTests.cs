using System.Text.Json;

namespace DeepPassport.Tests.Cli;

/// <summary>The owner vault through the CLI: train writes it, verify opens it; the passphrase never comes from the command line.</summary>
public class VaultCliTests
{
    private static (string Data, string Run, string PassphraseFile) TrainV2WithVault()
    {
        var data = CliHarness.FakeCifar(32);
        var run = CliHarness.TempDir();
        var passphraseFile = Path.Combine(run, "..", Path.GetFileName(run) + "-passphrase.txt");
        File.WriteAllText(passphraseFile, "tr0ub4dor&3 is long enough\n");
        var r = CliHarness.Run("train", "--scheme", "v2", "--norm", "gn", "--key-type", "random", "--data", data, "--train-batches", "1",
            "--epochs", "1", "--batch-size", "16", "--out", run, "--passphrase-file", passphraseFile, "--json");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("owner.vault", r.Out);   // the summary lists the vault among the files written
        return (data, run, passphraseFile);
    }

    private static CliHarness.Result Verify(string data, string run, params string[] extra) =>
        CliHarness.Run(["verify", "--deployment", Path.Combine(run, "deployment.safetensors"), "--owner", Path.Combine(run, "owner.vault"),
            "--data", data, "--fake-draws", "1", "--fake-images", "8", "--json", .. extra]);

    [Fact]
    public void TrainWritesAVaultThatVerifyOpensAndWrongOrTamperedFails()
    {
        var (data, run, passphraseFile) = TrainV2WithVault();
        Assert.True(File.Exists(Path.Combine(run, "owner.vault")));
        Assert.False(Directory.Exists(Path.Combine(run, "owner")));

        var vaultBytes = File.ReadAllBytes(Path.Combine(run, "owner.vault"));
        // Training again into the same folder would replace the only proof of the first model: refused, vault untouched.
        var again = CliHarness.Run("train", "--scheme", "v2", "--data", data, "--train-batches", "1", "--epochs", "1", "--out", run,
            "--passphrase-file", passphraseFile);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already holds owner secrets", again.Error);
        Assert.Equal(vaultBytes, File.ReadAllBytes(Path.Combine(run, "owner.vault")));

        var r = Verify(data, run, "--passphrase-file", passphraseFile);
        Assert.True(r.ExitCode is 0 or 1, r.Error);
        Assert.Equal("v2", JsonDocument.Parse(r.Out).RootElement.GetProperty("scheme").GetString());

        var wrong = Path.Combine(run, "wrong.txt");
        File.WriteAllText(wrong, "not the passphrase at all\n");
        r = Verify(data, run, "--passphrase-file", wrong);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("wrong passphrase, or the file was modified", r.Error);
        Assert.Contains("owner.vault", r.Error);

        var vault = Path.Combine(run, "owner.vault");
        var bytes = File.ReadAllBytes(vault);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(vault, bytes);
        r = Verify(data, run, "--passphrase-file", passphraseFile);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("wrong passphrase, or the file was modified", r.Error);
    }

    [Fact]
    public void PassphraseOptionsAreChecked()
    {
        var data = CliHarness.FakeCifar(16);
        var run = CliHarness.TempDir();
        var r = CliHarness.Run("train", "--scheme", "v2", "--data", data, "--out", run, "--passphrase", "hunter2hunter2");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("never taken from the command line", r.Error);

        r = CliHarness.Run("train", "--scheme", "v2", "--data", data, "--out", run, "--passphrase-file", Path.Combine(run, "missing.txt"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("missing.txt", r.Error);

        var shortFile = Path.Combine(run, "short.txt");
        File.WriteAllText(shortFile, "abc\n");
        r = CliHarness.Run("train", "--scheme", "v2", "--data", data, "--out", run, "--passphrase-file", shortFile);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("at least 8 characters", r.Error);

        r = CliHarness.Run("train", "--data", data, "--out", run, "--owner-folder");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("need a passport scheme", r.Error);

        r = CliHarness.Run("verify", "--deployment", Path.Combine(run, "d.safetensors"), "--owner", Path.Combine(run, "nothing-here"), "--data", data);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("neither an owner vault file nor an owner folder", r.Error);
    }
}
