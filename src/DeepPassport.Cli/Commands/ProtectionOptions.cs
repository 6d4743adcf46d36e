using DeepPassport.Engine.Data;
using DeepPassport.Engine.IO;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;
using DeepPassport.Owner;
using DeepPassport.Passports;
using DeepPassport.Schemes;
using DeepPassport.Training;

namespace DeepPassport.Cli.Commands;

/// <summary>
/// The passport options `train` and `demo` share: --scheme none|v1|v2|v3, --passport-config (a preset or a JSON
/// file), --key-type random|image|shuffle, --sign-loss (alpha), --pretrained (a plain model whose activations make
/// image/shuffle passports) and --trigger (V3's trigger set folder).
/// </summary>
public sealed record ProtectionOptions(PassportScheme Scheme, PassportConfig Config, KeyType KeyType, float SignLossAlpha, string? Pretrained, string? TriggerDir)
{
    public static readonly string[] SchemeNames = ["none", "v1", "v2", "v3"];

    /// <summary>Null for --scheme none (a plain model); passport options without a scheme are an error.</summary>
    public static ProtectionOptions? Parse(Options o, string arch, string schemeFallback = "none")
    {
        var scheme = o.Choice("scheme", schemeFallback, SchemeNames);
        string? config = o.String("passport-config"), keyType = o.String("key-type"), sign = o.String("sign-loss"), pretrained = o.String("pretrained"), trigger = o.String("trigger");
        if (scheme == "none")
        {
            if (new[] { config, keyType, sign, pretrained, trigger }.Any(v => v is not null))
                throw new UsageException($"{o.Command}: --passport-config, --key-type, --sign-loss, --pretrained and --trigger need --scheme v1, v2 or v3.");
            return null;
        }
        var s = Enum.Parse<PassportScheme>(scheme, ignoreCase: true);
        var key = o.Choice("key-type", "shuffle", [.. KeyTypes.Names]);
        float alpha = (float)o.Double("sign-loss", 0.1, min: 0);
        if (trigger is not null && s != PassportScheme.V3) throw new UsageException($"{o.Command}: --trigger belongs to --scheme v3.");
        if (pretrained is not null && key == "random") throw new UsageException($"{o.Command}: --pretrained makes image/shuffle passports; --key-type random needs none.");
        var passportConfig = PassportConfig.Load(config ?? (arch == "alexnet" ? "alexnet-last3" : "resnet18-layer4"), arch);
        if (passportConfig.Layers.Count == 0) throw new UsageException($"{o.Command}: passport config '{config}' names no passport layer.");
        return new ProtectionOptions(s, passportConfig, KeyTypes.Parse(key), alpha, pretrained, trigger);
    }

    /// <summary>The owner's keys and the model built around them.</summary>
    public PassportModel CreateModel(string arch, int classes, NormType norm, ulong seed, IImageDataset passportPool)
    {
        var rng = new Rng(seed ^ 0x0A55_F0E7UL);
        PassportImageSource? images = null;
        if (KeyType != KeyType.Random)
        {
            var weights = Pretrained is null ? null : StateDictFile.Load(Pretrained).State;
            images = new PassportImageSource(passportPool, Augmentation.Eval(Normalization.Cifar), norm, weights);
        }
        var keys = PassportKeys.Create(Config, KeyType, rng, images);
        return new PassportModel(arch, classes, Scheme, norm, keys, seed, new SignLoss(SignLossAlpha));
    }

    /// <summary>V3's trigger set: --trigger, else trigger_set/ in the data folder.</summary>
    public TriggerMix? Trigger(string? dataRoot, int classes)
    {
        if (Scheme != PassportScheme.V3) return null;
        string dir = TriggerDir ?? (dataRoot is null ? throw new UsageException("scheme v3 needs a trigger set: give --trigger DIR.") : Path.Combine(dataRoot, "trigger_set"));
        return new TriggerMix(new TriggerSet(dir, classes), Augmentation.Eval(Normalization.Cifar));
    }

    public OwnerSecrets SaveArtefacts(string outDir, PassportModel model, ulong seed) =>
        RunArtefacts.Save(outDir, model, Config, KeyType, SignLossAlpha, seed);

    public string Describe() =>
        $"scheme {Scheme.ToString().ToLowerInvariant()}, passport layers {string.Join(", ", Config.Layers.Select(l => l.Path))}, key type {KeyType.ToOptionString()}, sign loss {SignLossAlpha}";
}
