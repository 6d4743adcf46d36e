using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeepPassport.Engine.IO;
using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;
using DeepPassport.Passports;
using DeepPassport.Schemes;

namespace DeepPassport.Owner;

/// <summary>
/// Everything only the owner holds for a passport model: which scheme and architecture, the passport config, every
/// passport layer's passports and signature, and the private state the deployment package lacks (the private
/// branch's parameters and statistics, folded scales of a norm-free deployment). Deployment + these = the trained
/// model. Stored as a folder (<c>&lt;run&gt;/owner</c>):
/// <list type="bullet">
/// <item><c>owner.json</c>: format, scheme, arch, norm, classes, key type, sign-loss alpha, seed, signatures as bit strings;</item>
/// <item><c>passport-config.json</c>: the config in the original JSON format;</item>
/// <item><c>passports.safetensors</c>: <c>&lt;layer&gt;.key</c> (P_beta), <c>&lt;layer&gt;.skey</c> (P_gamma);</item>
/// <item><c>private.safetensors</c>: the private state by model name, and <c>&lt;layer&gt;.folded_scale</c>.</item>
/// <item><c>owner-passport/0.png, 1.png</c> (SP): the owner passport; <c>isn/</c> (SP licensing): the ISN and the steganographic key.</item>
/// </list>
/// </summary>
public sealed record OwnerSecrets(
    PassportScheme Scheme,
    string Arch,
    NormType Norm,
    int NumClasses,
    PassportConfig Config,
    KeyType KeyType,
    float SignLossAlpha,
    ulong Seed,
    IReadOnlyList<LayerKey> Keys,
    DeploymentExport.PrivateState Private)
{
    public const string Format = "deeppassport-owner";
    public const string MetadataFile = "owner.json", ConfigFile = "passport-config.json", PassportsFile = "passports.safetensors", PrivateFile = "private.safetensors";
    private const string FoldedSuffix = ".folded_scale";

    /// <summary>SP: the owner passport (two images) whose hash gives every signature, and the rule that derives the bits.</summary>
    public IReadOnlyList<Engine.Imaging.Image>? OwnerPassport { get; init; }
    public HashRule HashRule { get; init; } = HashRule.Counter;
    private const string OwnerPassportFolder = "owner-passport/";

    /// <summary>SP licensing: the ISN and the steganographic key (<c>isn train</c>, then <c>isn attach</c>), or null.</summary>
    public Stego.IsnBundle? Isn { get; init; }
    private const string IsnFolder = "isn/";

    /// <summary>A passport model of the owner's design holding the owner's keys (weights still to be loaded).</summary>
    public PassportModel CreateModel() => new(Arch, NumClasses, Scheme, Norm, Keys, Seed, new SignLoss(SignLossAlpha));

    /// <summary>The owner's files by name: what a folder or a vault holds.</summary>
    public IReadOnlyDictionary<string, byte[]> ToFiles()
    {
        var json = new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var passports = new StateDict();
        foreach (var k in Keys) { passports.Add(k.Path + ".key", k.PassportBeta); passports.Add(k.Path + ".skey", k.PassportGamma); }
        var priv = new StateDict();
        foreach (var (name, value) in Private.Entries) priv.Add(name, value);
        foreach (var (path, s) in Private.FoldedScales) priv.Add(path + FoldedSuffix, s);
        var meta = new Dictionary<string, string> { ["format"] = Format };
        var files = new Dictionary<string, byte[]>
        {
            [MetadataFile] = System.Text.Encoding.UTF8.GetBytes(MetadataJson().ToJsonString(json) + "\n"),
            [ConfigFile] = System.Text.Encoding.UTF8.GetBytes(Config.ToJson() + "\n"),
            [PassportsFile] = StateDictFile.ToBytes(passports, meta),
            [PrivateFile] = StateDictFile.ToBytes(priv, meta),
        };
        // Lossless, so anyone shown the owner passport can recompute its hash bit for bit.
        for (int i = 0; i < (OwnerPassport?.Count ?? 0); i++) files[$"{OwnerPassportFolder}{i}.png"] = Engine.Imaging.Png.Encode(OwnerPassport![i]);
        if (Isn is not null) foreach (var (name, bytes) in Isn.ToFiles()) files[IsnFolder + name] = bytes;
        return files;
    }

    /// <summary>Writes the secrets into an encrypted owner vault (see <see cref="OwnerVault"/>).</summary>
    public void SaveVault(string path, string passphrase, int iterations = OwnerVault.DefaultIterations) => OwnerVault.Write(path, ToFiles(), passphrase, iterations);

    /// <summary>Opens an owner vault.</summary>
    public static OwnerSecrets LoadVault(string path, string passphrase) => FromFiles(OwnerVault.Read(path, passphrase), path);

    /// <summary>Writes the folder atomically: a complete new folder replaces the old one, or nothing changes.</summary>
    public void Save(string dir)
    {
        string full = Path.GetFullPath(dir);
        string temp = full.TrimEnd(Path.DirectorySeparatorChar) + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(temp);
        try
        {
            foreach (var (name, bytes) in ToFiles())
            {
                var file = Path.Combine(temp, name);
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.WriteAllBytes(file, bytes);
            }
            if (Directory.Exists(full)) Directory.Delete(full, recursive: true);
            Directory.Move(temp, full);
        }
        catch
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            throw;
        }
    }

    private static IReadOnlyList<Engine.Imaging.Image>? OwnerPassportImages(IReadOnlyDictionary<string, byte[]> files, string source)
    {
        var names = files.Keys.Where(k => k.StartsWith(OwnerPassportFolder, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        return names.Count == 0 ? null : names.Select(n => Engine.Imaging.Png.Decode(files[n], Path.Combine(source, n))).ToList();
    }

    /// <summary>With an owner passport, every signature must be the one its hash gives: a mismatch means tampering.</summary>
    private void CheckHashSignatures(string source)
    {
        if (OwnerPassport is null) return;
        var digest = HashSignature.Digest(OwnerPassport);
        for (int i = 0; i < Keys.Count; i++)
            if (!HashSignature.Derive(digest, i, Keys[i].Signature.Length, HashRule).Equals(Keys[i].Signature))
                throw new InvalidDataException($"{source}: the signature of '{Keys[i].Path}' is not the one the owner passport's hash gives ({HashRule.ToString().ToLowerInvariant()} rule).");
    }

    private JsonObject MetadataJson()
    {
        var layers = new JsonArray();
        foreach (var k in Keys)
        {
            var spec = Config.Layers.First(l => l.Path == k.Path).Signature;
            var layer = new JsonObject { ["path"] = k.Path, ["bits"] = k.Signature.Length, ["signature"] = k.Signature.ToString() };
            if (spec is SignatureSpec.Text t) layer["text"] = t.Value;
            layers.Add(layer);
        }
        return new JsonObject
        {
            ["format"] = Format,
            ["version"] = 1,
            ["scheme"] = Scheme.ToString().ToLowerInvariant(),
            ["arch"] = Arch,
            ["norm"] = Norm.ToOptionString(),
            ["num_classes"] = NumClasses,
            ["key_type"] = KeyType.ToOptionString(),
            ["sign_loss"] = SignLossAlpha,
            ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
            ["layers"] = layers,
            ["hash_rule"] = OwnerPassport is null ? null : HashRule.ToString().ToLowerInvariant(),
        };
    }

    /// <summary>Reads an owner folder; anything missing or inconsistent is an error naming the file.</summary>
    public static OwnerSecrets Load(string dir)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"owner folder '{dir}' does not exist.");
        var files = new Dictionary<string, byte[]>();
        foreach (var name in new[] { MetadataFile, ConfigFile, PassportsFile, PrivateFile })
        {
            var f = Path.Combine(dir, name);
            if (!File.Exists(f)) throw new FileNotFoundException($"owner folder '{dir}' lacks {name}: it is not an owner folder written by `deeppassport train`, or it is incomplete.", f);
            files[name] = File.ReadAllBytes(f);
        }
        foreach (var (folder, pattern) in new[] { (OwnerPassportFolder, "*.png"), (IsnFolder, "*") })
        {
            var sub = Path.Combine(dir, folder);
            if (Directory.Exists(sub))
                foreach (var f in Directory.GetFiles(sub, pattern)) files[folder + Path.GetFileName(f)] = File.ReadAllBytes(f);
        }
        return FromFiles(files, dir);
    }

    /// <summary>Rebuilds the secrets from their files; <paramref name="source"/> (a folder or vault) names them in errors.</summary>
    public static OwnerSecrets FromFiles(IReadOnlyDictionary<string, byte[]> files, string source)
    {
        byte[] Entry(string name) => files.TryGetValue(name, out var b) ? b : throw new InvalidDataException($"owner secrets '{source}' lack {name}.");
        string metaPath = Path.Combine(source, MetadataFile), configPath = Path.Combine(source, ConfigFile), passportsPath = Path.Combine(source, PassportsFile),
            privatePath = Path.Combine(source, PrivateFile);
        JsonObject meta;
        try { meta = JsonNode.Parse(Entry(MetadataFile)) as JsonObject ?? throw new InvalidDataException($"{metaPath}: not a JSON object."); }
        catch (JsonException e) { throw new InvalidDataException($"{metaPath}: not valid JSON ({e.Message}).", e); }
        string Field(string name) => meta[name]?.ToString() ?? throw new InvalidDataException($"{metaPath}: missing \"{name}\".");
        if (Field("format") != Format) throw new InvalidDataException($"{metaPath}: format is \"{Field("format")}\", not \"{Format}\".");
        try
        {
            var scheme = Enum.Parse<PassportScheme>(Field("scheme"), ignoreCase: true);
            string arch = Field("arch");
            var norm = NormTypes.Parse(Field("norm"));
            int classes = int.Parse(Field("num_classes"), CultureInfo.InvariantCulture);
            var config = PassportConfig.Parse(System.Text.Encoding.UTF8.GetString(Entry(ConfigFile)), arch, configPath);
            var (tensors, _) = StateDictFile.FromBytes(Entry(PassportsFile), passportsPath);
            var layout = ConvBlockLayout.Of(arch).ToDictionary(b => b.Path);
            var keys = new List<LayerKey>();
            foreach (var layer in meta["layers"]?.AsArray() ?? throw new InvalidDataException($"{metaPath}: missing \"layers\"."))
            {
                string path = layer?["path"]?.ToString() ?? throw new InvalidDataException($"{metaPath}: a layer without \"path\".");
                if (!layout.TryGetValue(path, out var block)) throw new InvalidDataException($"{metaPath}: '{path}' is not a conv block of {arch}.");
                var signature = Signature.Parse(layer["signature"]?.ToString() ?? "", $"{metaPath} layer {path}");
                if (signature.Length != block.OutChannels) throw new InvalidDataException($"{metaPath}: the signature of '{path}' has {signature.Length} bits for {block.OutChannels} channels.");
                Tensor Passport(string name)
                {
                    var t = tensors.TryGetValue($"{path}.{name}", out var v) && !v.IsInt64 ? v.Tensor! : throw new InvalidDataException($"{passportsPath}: no passport '{path}.{name}'.");
                    if (t.Rank != 4 || t.Shape[1] != block.InChannels) throw new InvalidDataException($"{passportsPath}: passport '{path}.{name}' is {t.ShapeString}, not [n, {block.InChannels}, H, W].");
                    return t;
                }
                keys.Add(new LayerKey(path, Passport("key"), Passport("skey"), signature));
            }
            var config2 = config.Layers.Select(l => l.Path).ToList();
            if (!config2.SequenceEqual(keys.Select(k => k.Path)))
                throw new InvalidDataException($"{metaPath}: its layers [{string.Join(", ", keys.Select(k => k.Path))}] differ from {configPath} [{string.Join(", ", config2)}].");
            var (privateState, _) = StateDictFile.FromBytes(Entry(PrivateFile), privatePath);
            var entries = new StateDict();
            var folded = new Dictionary<string, Tensor>();
            foreach (var (name, value) in privateState)
                if (name.EndsWith(FoldedSuffix, StringComparison.Ordinal) && !value.IsInt64) folded[name[..^FoldedSuffix.Length]] = value.Tensor!;
                else entries.Add(name, value);
            var owner = new OwnerSecrets(scheme, arch, norm, classes, config, KeyTypes.Parse(Field("key_type")),
                float.Parse(Field("sign_loss"), CultureInfo.InvariantCulture), ulong.Parse(Field("seed"), CultureInfo.InvariantCulture), keys,
                new DeploymentExport.PrivateState(entries, folded))
            {
                OwnerPassport = OwnerPassportImages(files, source),
                Isn = files.Keys.Any(k => k.StartsWith(IsnFolder, StringComparison.Ordinal))
                    ? Stego.IsnBundle.FromFiles(files.Where(f => f.Key.StartsWith(IsnFolder, StringComparison.Ordinal)).ToDictionary(f => f.Key[IsnFolder.Length..], f => f.Value), Path.Combine(source, "isn"))
                    : null,
                HashRule = meta["hash_rule"]?.ToString() is { } rule ? Enum.Parse<HashRule>(rule, ignoreCase: true) : HashRule.Counter,
            };
            owner.CheckHashSignatures(metaPath);
            return owner;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            throw new InvalidDataException($"owner secrets '{source}': {e.Message}", e);
        }
    }
}
