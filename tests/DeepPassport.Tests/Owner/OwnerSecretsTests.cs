using DeepPassport.Models;
using DeepPassport.Owner;
using DeepPassport.Passports;
using DeepPassport.Schemes;
using DeepPassport.Tests.Schemes;

namespace DeepPassport.Tests.Owner;

public class OwnerSecretsTests
{
    private static (string Dir, OwnerSecrets Owner) Saved()
    {
        var model = DeploymentExportTests.Trained(PassportScheme.V2, NormType.None);
        var config = PassportConfig.Parse("""{"4": true, "5": "owner é", "6": true}""", "alexnet", "t");
        var dir = Path.Combine(Path.GetTempPath(), "dp-owner-" + Guid.NewGuid().ToString("N")[..8]);
        var owner = RunArtefacts.Save(dir, model, config, KeyType.Shuffle, 0.2f, 3);
        return (dir, owner);
    }

    [Fact]
    public void OwnerFolderRoundTrips()
    {
        var (dir, owner) = Saved();
        var loaded = OwnerSecrets.Load(Path.Combine(dir, RunArtefacts.OwnerFolder));
        Assert.Equal((owner.Scheme, owner.Arch, owner.Norm, owner.NumClasses, owner.KeyType, owner.SignLossAlpha, owner.Seed),
            (loaded.Scheme, loaded.Arch, loaded.Norm, loaded.NumClasses, loaded.KeyType, loaded.SignLossAlpha, loaded.Seed));
        Assert.Equal(owner.Keys.Count, loaded.Keys.Count);
        for (int i = 0; i < owner.Keys.Count; i++)
        {
            Assert.Equal(owner.Keys[i].Path, loaded.Keys[i].Path);
            Assert.Equal(owner.Keys[i].Signature, loaded.Keys[i].Signature);
            Assert.Equal(owner.Keys[i].PassportBeta.Data, loaded.Keys[i].PassportBeta.Data);
            Assert.Equal(owner.Keys[i].PassportGamma.Data, loaded.Keys[i].PassportGamma.Data);
        }
        Assert.Equal(owner.Private.FoldedScales.Keys.Order(), loaded.Private.FoldedScales.Keys.Order());
        Assert.Equal(owner.Private.Entries.Keys, loaded.Private.Entries.Keys);
        Assert.Contains("\"5\": \"owner é\"", File.ReadAllText(Path.Combine(dir, "owner", OwnerSecrets.ConfigFile)));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void BrokenOwnerFoldersAreNamed()
    {
        var (dir, _) = Saved();
        var owner = Path.Combine(dir, RunArtefacts.OwnerFolder);
        var meta = Path.Combine(owner, OwnerSecrets.MetadataFile);
        File.WriteAllText(meta, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(meta), "\"signature\": \"[01]", "\"signature\": \"x"));
        var e = Assert.Throws<InvalidDataException>(() => OwnerSecrets.Load(owner));
        Assert.Contains("owner.json", e.Message);

        File.Delete(Path.Combine(owner, OwnerSecrets.PassportsFile));
        var missing = Assert.Throws<FileNotFoundException>(() => OwnerSecrets.Load(owner));
        Assert.Contains("passports.safetensors", missing.Message);
        Assert.Throws<DirectoryNotFoundException>(() => OwnerSecrets.Load(Path.Combine(dir, "nope")));
        Directory.Delete(dir, true);
    }
}

public class SpOwnerPassportTests
{
    [Fact]
    public void SpKeysComeFromTheOwnerPassportAndATamperedSignatureIsCaught()
    {
        var rng = new Random(3);
        DeepPassport.Engine.Imaging.Image Photo() { var i = new DeepPassport.Engine.Imaging.Image(48, 40, 3); rng.NextBytes(i.Pixels); return i; }
        var ownerPassport = new[] { Photo(), Photo() };
        var config = PassportConfig.Load("alexnet-all", "alexnet");
        var keys = PassportKeys.CreateFromOwnerPassport(config, ownerPassport, NormType.Bn, new DeepPassport.Engine.Tensors.Rng(1));
        Assert.Equal([1, 3, 32, 32], keys[0].PassportGamma.Shape);
        Assert.Equal([1, 256, 8, 8], keys[4].PassportBeta.Shape);
        var digest = HashSignature.Digest(ownerPassport);
        Assert.Equal(HashSignature.ForLayer(digest, 2, 384), keys[2].Signature);
        Assert.Throws<ArgumentException>(() => PassportKeys.CreateFromOwnerPassport(
            PassportConfig.Parse("""{"4": "my text"}""", "alexnet", "t"), ownerPassport, NormType.Bn, new DeepPassport.Engine.Tensors.Rng(1)));

        var model = new PassportModel("alexnet", 10, PassportScheme.Sp, NormType.Bn, keys, 1);
        var dir = Path.Combine(Path.GetTempPath(), "dp-sp-" + Guid.NewGuid().ToString("N")[..8]);
        RunArtefacts.Save(dir, model, config, KeyType.Image, 0.1f, 1, ownerPassport);
        var owner = Path.Combine(dir, RunArtefacts.OwnerFolder);
        Assert.Equal(ownerPassport[1].Pixels, OwnerSecrets.Load(owner).OwnerPassport![1].Pixels);

        var meta = Path.Combine(owner, OwnerSecrets.MetadataFile);
        var text = File.ReadAllText(meta);
        int at = text.IndexOf("\"signature\": \"", StringComparison.Ordinal) + 14;
        File.WriteAllText(meta, text[..at] + (text[at] == '1' ? '0' : '1') + text[(at + 1)..]);
        var e = Assert.Throws<InvalidDataException>(() => OwnerSecrets.Load(owner));
        Assert.Contains("hash", e.Message);
        Directory.Delete(dir, true);
    }
}
