using DeepPassport.Owner;

namespace DeepPassport.Tests.Owner;

public class OwnerVaultTests
{
    private const int FastIterations = 2000;   // the default 600,000 only slows the tests; the format is the same

    private static (string Path, Dictionary<string, byte[]> Files) Written(string passphrase = "correct horse battery")
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dp-vault-" + Guid.NewGuid().ToString("N")[..8] + ".vault");
        var files = new Dictionary<string, byte[]>
        {
            ["owner.json"] = "{\"format\": \"deeppassport-owner\"}"u8.ToArray(),
            ["passports.safetensors"] = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray(),
        };
        OwnerVault.Write(path, files, passphrase, FastIterations);
        return (path, files);
    }

    [Fact]
    public void RoundTripsAndHidesItsContent()
    {
        var (path, files) = Written();
        var back = OwnerVault.Read(path, "correct horse battery");
        Assert.Equal(files.Keys.Order(), back.Keys.Order());
        foreach (var (name, data) in files) Assert.Equal(data, back[name]);
        var raw = File.ReadAllBytes(path);
        Assert.True(raw.AsSpan().IndexOf("deeppassport-owner"u8) < 0, "plaintext visible in the vault");
        Assert.True(raw.AsSpan().IndexOf("owner.json"u8) < 0, "file names visible in the vault");
        File.Delete(path);
    }

    [Fact]
    public void WrongPassphraseIsAClearError()
    {
        var (path, _) = Written();
        var e = Assert.Throws<VaultException>(() => OwnerVault.Read(path, "correct horse battery!"));
        Assert.Contains("wrong passphrase", e.Message);
        Assert.Contains(path, e.Message);
        File.Delete(path);
    }

    /// <summary>Every single flipped byte — header, ciphertext or tag — is caught.</summary>
    [Fact]
    public void AnyFlippedByteIsCaught()
    {
        var (path, _) = Written();
        var original = File.ReadAllBytes(path);
        var rng = new Random(1);
        foreach (int at in new[] { 3, 10, 17, 25, 40, 60, original.Length / 2, original.Length - 1 }.Concat(Enumerable.Range(0, 10).Select(_ => rng.Next(original.Length))))
        {
            var bad = (byte[])original.Clone();
            bad[at] ^= 0x20;
            File.WriteAllBytes(path, bad);
            Assert.ThrowsAny<IOException>(() => OwnerVault.Read(path, "correct horse battery"));
        }
        File.WriteAllBytes(path, original.AsSpan(0, original.Length - 5).ToArray());
        Assert.Contains("truncated", Assert.Throws<VaultException>(() => OwnerVault.Read(path, "correct horse battery")).Message);
        File.WriteAllText(path, "not a vault at all, just some text that is long enough to have a header");
        Assert.Contains("not a DeepPassport owner vault", Assert.Throws<VaultException>(() => OwnerVault.Read(path, "correct horse battery")).Message);
        File.Delete(path);
    }

    [Fact]
    public void ShortPassphrasesAreRefused() =>
        Assert.Throws<ArgumentException>(() => OwnerVault.Write(Path.GetTempFileName(), new Dictionary<string, byte[]>(), "short", FastIterations));

    [Fact]
    public void TwoWritesOfTheSameFilesDiffer()
    {
        var (a, _) = Written();
        var (b, _) = Written();
        Assert.NotEqual(File.ReadAllBytes(a).AsSpan(20, 28).ToArray(), File.ReadAllBytes(b).AsSpan(20, 28).ToArray());   // fresh salt and nonce
        File.Delete(a); File.Delete(b);
    }
}

public class OwnerSecretsVaultTests
{
    [Fact]
    public void OwnerSecretsRoundTripThroughAVault()
    {
        var model = DeepPassport.Tests.Schemes.DeploymentExportTests.Trained(DeepPassport.Schemes.PassportScheme.Sp, DeepPassport.Models.NormType.Bn);
        var dir = Path.Combine(Path.GetTempPath(), "dp-vs-" + Guid.NewGuid().ToString("N")[..8]);
        var owner = RunArtefacts.Save(dir, model, DeepPassport.Passports.PassportConfig.Load("alexnet-last3", "alexnet"), DeepPassport.Passports.KeyType.Image, 0.1f, 3);
        var vault = Path.Combine(dir, "owner.vault");
        owner.SaveVault(vault, "a long passphrase", iterations: 2000);
        var back = OwnerSecrets.LoadVault(vault, "a long passphrase");
        Assert.Equal(owner.Scheme, back.Scheme);
        Assert.Equal(owner.Keys[2].PassportGamma.Data, back.Keys[2].PassportGamma.Data);
        Assert.Equal(owner.Private.Entries.Keys.Order(), back.Private.Entries.Keys.Order());
        Assert.Throws<VaultException>(() => OwnerSecrets.LoadVault(vault, "another long passphrase"));
        Directory.Delete(dir, true);
    }
}
