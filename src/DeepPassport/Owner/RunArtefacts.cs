using DeepPassport.Models;
using DeepPassport.Passports;
using DeepPassport.Schemes;

namespace DeepPassport.Owner;

/// <summary>
/// What a protected training run leaves for its two audiences: <c>deployment.safetensors</c> (a plain model of the
/// architecture, to ship) and <c>owner/</c> (the secrets, to keep).
/// </summary>
public static class RunArtefacts
{
    public const string DeploymentFile = "deployment.safetensors", OwnerFolder = "owner";

    /// <summary>Writes both; returns the owner's secrets as saved.</summary>
    public static OwnerSecrets Save(string outDir, PassportModel model, PassportConfig config, KeyType keyType, float signLossAlpha, ulong seed,
        IReadOnlyList<Engine.Imaging.Image>? ownerPassport = null, HashRule hashRule = HashRule.Counter)
    {
        var (state, description, privateState) = DeploymentExport.ToPlain(model);
        var owner = new OwnerSecrets(model.Scheme, model.Arch, model.Norm, model.NumClasses, config, keyType, signLossAlpha, seed, model.Keys(), privateState)
        {
            OwnerPassport = ownerPassport,
            HashRule = hashRule,
        };
        Directory.CreateDirectory(outDir);
        owner.Save(Path.Combine(outDir, OwnerFolder));
        Engine.IO.StateDictFile.Save(Path.Combine(outDir, DeploymentFile), state, description.Metadata());
        return owner;
    }
}
