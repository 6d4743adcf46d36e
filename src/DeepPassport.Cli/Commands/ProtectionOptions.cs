using DeepPassport.Engine.Data;
using DeepPassport.Engine.Imaging;
using DeepPassport.Engine.IO;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;
using DeepPassport.Owner;
using DeepPassport.Passports;
using DeepPassport.Schemes;
using DeepPassport.Training;

namespace DeepPassport.Cli.Commands;

/// <summary>
/// The passport options `train` and `demo` share: --scheme none|v1|v2|v3|pan|sp, --passport-config (a preset or a
/// JSON file), --key-type random|image|shuffle, --sign-loss (alpha), --pretrained (a plain model whose activations
/// make image/shuffle passports), --trigger (trigger samples in every batch: V3's, optional for PAN and SP); for SP
/// --owner-passport A,B or --passport-pool DIR (the owner passport's two images), --hash-rule counter|compat and
/// --balance-weight and --gamma-t-init ones|signature.
/// </summary>
public sealed record ProtectionOptions(PassportScheme Scheme, PassportConfig Config, KeyType KeyType, float SignLossAlpha, string? Pretrained,
    string? TriggerDir, IReadOnlyList<string>? OwnerPassportFiles, string? PassportPool, HashRule HashRule, float BalanceWeight,
    bool GammaTAtSignature = false)
{
    public static readonly string[] SchemeNames = ["none", "v1", "v2", "v3", "pan", "sp"];
    private static readonly string[] PassportOptions = ["passport-config", "key-type", "sign-loss", "pretrained", "trigger", "owner-passport", "passport-pool", "hash-rule", "balance-weight", "gamma-t-init"];

    /// <summary>Null for --scheme none (a plain model); passport options without a scheme are an error.</summary>
    public static ProtectionOptions? Parse(Options o, string arch, string schemeFallback = "none", string? keyTypeFallback = null)
    {
        var scheme = o.Choice("scheme", schemeFallback, SchemeNames);
        var given = PassportOptions.Where(n => o.String(n) is not null).ToList();
        if (scheme == "none")
        {
            if (given.Count > 0) throw new UsageException($"{o.Command}: --{given[0]} needs a passport scheme (--scheme v1|v2|v3|pan|sp).");
            return null;
        }
        var s = Enum.Parse<PassportScheme>(scheme, ignoreCase: true);
        void Only(string option, params PassportScheme[] schemes)
        {
            if (given.Contains(option) && !schemes.Contains(s))
                throw new UsageException($"{o.Command}: --{option} belongs to --scheme {string.Join("|", schemes.Select(x => x.ToString().ToLowerInvariant()))}.");
        }
        Only("owner-passport", PassportScheme.Sp); Only("passport-pool", PassportScheme.Sp); Only("hash-rule", PassportScheme.Sp); Only("balance-weight", PassportScheme.Sp); Only("gamma-t-init", PassportScheme.Sp);
        Only("trigger", PassportScheme.V3, PassportScheme.Pan, PassportScheme.Sp);
        // Defaults of the reference code: DeepIPR shuffle passports, PAN random ones, SP image passports from the owner passport.
        var key = o.Choice("key-type", s switch { PassportScheme.Pan => "random", PassportScheme.Sp => "image", _ => keyTypeFallback ?? "shuffle" }, [.. KeyTypes.Names]);
        if (s == PassportScheme.Sp && key != "image") throw new UsageException($"{o.Command}: SP's passports are the owner passport's images (--key-type image).");
        float alpha = (float)o.Double("sign-loss", 0.1, min: 0);
        var pretrained = o.String("pretrained");
        if (pretrained is not null && (key == "random" || s == PassportScheme.Sp)) throw new UsageException($"{o.Command}: --pretrained makes DeepIPR/PAN image or shuffle passports.");
        string? config = o.String("passport-config");
        string fallback = (arch, s) switch
        {
            ("alexnet", PassportScheme.Pan or PassportScheme.Sp) => "alexnet-all",
            ("alexnet", _) => "alexnet-last3",
            ("resnet18", PassportScheme.Pan) => "resnet18-all",
            _ => "resnet18-layer4",
        };
        var passportConfig = PassportConfig.Load(config ?? fallback, arch);
        if (passportConfig.Layers.Count == 0) throw new UsageException($"{o.Command}: passport config '{config}' names no passport layer.");
        var ownerPassport = o.String("owner-passport")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (ownerPassport is not null && ownerPassport.Length != 2) throw new UsageException($"{o.Command}: --owner-passport takes two image files, A,B (for P_beta and P_gamma).");
        var rule = o.Choice("hash-rule", "counter", "counter", "compat") == "compat" ? HashRule.Compat : HashRule.Counter;
        float balance = (float)o.Double("balance-weight", arch == "alexnet" ? 0.1 : 1.0, min: 0);
        bool gammaTAtSignature = o.Choice("gamma-t-init", "ones", "ones", "signature") == "signature";
        return new ProtectionOptions(s, passportConfig, KeyTypes.Parse(key), alpha, pretrained, o.String("trigger"), ownerPassport, o.String("passport-pool"), rule, balance, gammaTAtSignature);
    }

    /// <summary>The owner's keys, the model built around them, and (SP) the owner passport.</summary>
    public (PassportModel Model, IReadOnlyList<Image>? OwnerPassport) CreateModel(string arch, int classes, NormType norm, ulong seed, IImageDataset passportPool, string? dataRoot)
    {
        var rng = new Rng(seed ^ 0x0A55_F0E7UL);
        IReadOnlyList<LayerKey> keys;
        IReadOnlyList<Image>? ownerPassport = null;
        if (Scheme == PassportScheme.Sp)
        {
            ownerPassport = OwnerPassportFiles is { } files ? files.Select(ImageFile.Read).ToList() : new ImagePool(PoolDir(dataRoot)).Sample(2, rng);
            keys = PassportKeys.CreateFromOwnerPassport(Config, ownerPassport, norm, rng, HashRule);
        }
        else
        {
            PassportImageSource? images = null;
            if (KeyType != KeyType.Random)
            {
                var weights = Pretrained is null ? null : StateDictFile.Load(Pretrained).State;
                images = new PassportImageSource(passportPool, Augmentation.Eval(Normalization.Cifar), norm, weights);
            }
            keys = PassportKeys.Create(Config, KeyType, rng, images);
        }
        var model = new PassportModel(arch, classes, Scheme, norm, keys, seed, new SignLoss(SignLossAlpha))
        {
            BalanceWeight = Scheme == PassportScheme.Sp ? BalanceWeight : 0,
        };
        if (GammaTAtSignature) model.StartTransitionsAtSignature();
        return (model, ownerPassport);
    }

    private string PoolDir(string? dataRoot) =>
        PassportPool ?? (dataRoot is null ? throw new UsageException("SP needs an owner passport: give --owner-passport A,B or --passport-pool DIR.") : Path.Combine(dataRoot, "passports", "coco"));

    /// <summary>Trigger samples for every batch: V3 always (default DATA/trigger_set), PAN and SP when --trigger is given.</summary>
    public TriggerMix? Trigger(string? dataRoot, int classes)
    {
        string? dir = TriggerDir;
        if (dir is null && Scheme == PassportScheme.V3)
            dir = dataRoot is null ? throw new UsageException("scheme v3 needs a trigger set: give --trigger DIR.") : Path.Combine(dataRoot, "trigger_set");
        return dir is null ? null : new TriggerMix(new TriggerSet(dir, classes), Augmentation.Eval(Normalization.Cifar));
    }

    public OwnerSecrets SaveArtefacts(string outDir, PassportModel model, ulong seed, IReadOnlyList<Image>? ownerPassport, string? passphrase) =>
        RunArtefacts.Save(outDir, model, Config, KeyType, SignLossAlpha, seed, ownerPassport, HashRule, passphrase);

    public string Describe() =>
        $"scheme {Scheme.ToString().ToLowerInvariant()}, passport layers {string.Join(", ", Config.Layers.Select(l => l.Path))}, key type {KeyType.ToOptionString()}, sign loss {SignLossAlpha}" +
        (Scheme == PassportScheme.Sp ? $", hash rule {HashRule.ToString().ToLowerInvariant()}, balance weight {BalanceWeight}, gamma_t init {(GammaTAtSignature ? "signature" : "ones")}" : "");
}
