using DeepPassport.Models;
using DeepPassport.Passports;
using DeepPassport.Schemes;

namespace DeepPassport.Owner;

/// <summary>
/// What a protected training run leaves for its two audiences: <c>deployment.safetensors</c> (a plain model of the
/// architecture, to ship) and the secrets, to keep: <c>owner.vault</c> (encrypted under a passphrase) or, without a
/// passphrase, the plain folder <c>owner/</c> (for research scripts; anyone who can read it can claim the model).
/// </summary>
public static class RunArtefacts
{
    public const string DeploymentFile = "deployment.safetensors", OwnerFolder = "owner", OwnerVaultFile = "owner.vault";

    /// <summary>Where <see cref="Save"/> puts the secrets: the vault file with a passphrase, the folder without.</summary>
    public static string OwnerPath(string outDir, string? passphrase) => Path.Combine(outDir, passphrase is null ? OwnerFolder : OwnerVaultFile);

    /// <summary>Owner secrets already in <paramref name="outDir"/> (a vault or a folder), or null. They may be the only proof of a shipped model.</summary>
    public static string? ExistingSecrets(string outDir) =>
        new[] { Path.Combine(outDir, OwnerVaultFile), Path.Combine(outDir, OwnerFolder) }.FirstOrDefault(p => File.Exists(p) || Directory.Exists(p));

    /// <summary>Writes both; returns the owner's secrets as saved.</summary>
    public static OwnerSecrets Save(string outDir, PassportModel model, PassportConfig config, KeyType keyType, float signLossAlpha, ulong seed,
        IReadOnlyList<Engine.Imaging.Image>? ownerPassport = null, HashRule hashRule = HashRule.Counter, string? passphrase = null)
    {
        var (state, description, privateState) = DeploymentExport.ToPlain(model);
        var owner = new OwnerSecrets(model.Scheme, model.Arch, model.Norm, model.NumClasses, config, keyType, signLossAlpha, seed, model.Keys(), privateState)
        {
            OwnerPassport = ownerPassport,
            HashRule = hashRule,
        };
        Directory.CreateDirectory(outDir);
        if (passphrase is null) owner.Save(OwnerPath(outDir, null));
        else owner.SaveVault(OwnerPath(outDir, passphrase), passphrase);
        Engine.IO.StateDictFile.Save(Path.Combine(outDir, DeploymentFile), state, description.Metadata());
        return owner;
    }
}
