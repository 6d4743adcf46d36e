using System.Text.Json;
using DeepPassport.Engine.IO;

namespace DeepPassport.Tests.Cli;

public class DemoCliTests
{
    /// <summary>
    /// The README's main job at a tiny size: it trains, ships a deployment package without secrets, verifies with the
    /// genuine passports and rejects the forger's; the exit code says whether owner and forger were separated.
    /// </summary>
    [Fact]
    public void DemoShipsVerifiesAndRejectsTheForger()
    {
        var run = CliHarness.TempDir();
        var r = CliHarness.Run("demo", "--train-images", "128", "--test-images", "40", "--epochs", "1", "--out", run, "--json");
        Assert.True(r.ExitCode is 0 or 1, r.Error);
        var report = JsonDocument.Parse(r.Out).RootElement;
        Assert.Equal(r.ExitCode == 0, report.GetProperty("demonstrated").GetBoolean());
        Assert.Equal(Path.Combine(run, "deployment.safetensors"), report.GetProperty("deployment").GetString());
        // Unattended, the demo encrypts the secrets under a random passphrase it writes beside the vault.
        Assert.Equal(Path.Combine(run, "owner.vault"), report.GetProperty("owner").GetString());
        var passphrase = File.ReadAllText(report.GetProperty("passphrase_file").GetString()!).Trim();
        Assert.Equal(DeepPassport.Schemes.PassportScheme.V2, DeepPassport.Owner.OwnerSecrets.LoadVault(Path.Combine(run, "owner.vault"), passphrase).Scheme);
        Assert.False(Directory.Exists(Path.Combine(run, "owner")));
        var (state, _) = StateDictFile.Load(Path.Combine(run, "deployment.safetensors"));
        Assert.DoesNotContain(state.Keys, k => k.Contains("key") || k.Contains("private") || k.Contains("signature"));

        var forged = report.GetProperty("forged");
        Assert.Equal("not_shown", forged.GetProperty("verdict").GetString());
        // A random signature matches the trained scales' signs about half the time, never all of them.
        Assert.InRange(forged.GetProperty("signature_detection").GetDouble(), 0.2, 0.8);
        var genuine = report.GetProperty("genuine");
        Assert.True(genuine.GetProperty("signature_detection").GetDouble() > forged.GetProperty("signature_detection").GetDouble());
    }

    [Fact]
    public void DemoRejectsSchemeNone()
    {
        var r = CliHarness.Run("demo", "--scheme", "none", "--out", CliHarness.TempDir());
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--scheme none", r.Error);
    }
}
