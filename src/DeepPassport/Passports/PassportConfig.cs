using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeepPassport.Passports;

/// <summary>One passport layer of a config: the conv block it replaces and how its signature is made.</summary>
public sealed record PassportLayerSpec(string Path, int InChannels, int Channels, SignatureSpec Signature);

/// <summary>
/// Which conv blocks of an architecture are passport layers, in the original JSON format (reference-spec §1.5): a
/// flat object keyed by feature index for AlexNet (<c>{"4": true, "6": "my signature"}</c>), a tree mirroring the
/// modules for ResNet-18 (<c>{"layer4": {"0": {"convbnrelu_1": true, ...}}}</c>). Values: false (plain block),
/// true (random signature), a string (its UTF-8 bits) or an integer (constant bits); beyond the original format,
/// <c>{"bits": "0110..."}</c> or <c>{"file": "signature.txt"}</c> (a bits file, relative to the config file) give
/// the leading bits explicitly.
/// </summary>
public sealed class PassportConfig
{
    public string Arch { get; }
    public IReadOnlyList<PassportLayerSpec> Layers { get; }

    private PassportConfig(string arch, IReadOnlyList<PassportLayerSpec> layers) { Arch = arch; Layers = layers; }

    /// <summary>The configs the papers ship: the last three AlexNet convs (DeepIPR), all five (PAN, SP), ResNet-18's layer4 (DeepIPR, SP) or all 20 blocks (PAN).</summary>
    public static IReadOnlyList<string> PresetNames { get; } = ["alexnet-last3", "alexnet-all", "resnet18-layer4", "resnet18-all"];

    private static (string Arch, string Json)? Preset(string name) => name switch
    {
        "alexnet-last3" => ("alexnet", """{"0": false, "2": false, "4": true, "5": true, "6": true}"""),
        "alexnet-all" => ("alexnet", """{"0": true, "2": true, "4": true, "5": true, "6": true}"""),
        "resnet18-layer4" => ("resnet18", """{"layer4": {"0": {"convbnrelu_1": true, "convbn_2": true, "shortcut": true}, "1": {"convbnrelu_1": true, "convbn_2": true}}}"""),
        "resnet18-all" => ("resnet18", Build("resnet18", _ => true).ToJsonString()),
        _ => null,
    };

    /// <summary>A preset name, or the path of a JSON file in the original format.</summary>
    public static PassportConfig Load(string presetOrPath, string arch)
    {
        if (Preset(presetOrPath) is { } preset)
        {
            if (preset.Arch != arch) throw new FormatException($"passport config preset '{presetOrPath}' is for {preset.Arch}, not {arch}.");
            return Parse(preset.Json, arch, presetOrPath);
        }
        if (!File.Exists(presetOrPath))
            throw new FileNotFoundException($"passport config '{presetOrPath}' is neither a preset ({string.Join(", ", PresetNames)}) nor an existing file.", presetOrPath);
        return Parse(File.ReadAllText(presetOrPath), arch, presetOrPath);
    }

    /// <summary>Parses and validates a config against the architecture; every error names <paramref name="source"/> and the key.</summary>
    public static PassportConfig Parse(string json, string arch, string source)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(json); }
        catch (JsonException e) { throw new FormatException($"{source}: not valid JSON ({e.Message}).", e); }
        if (root is not JsonObject obj) throw new FormatException($"{source}: a passport config is a JSON object.");
        var blocks = ConvBlockLayout.Of(arch);
        var byPath = blocks.ToDictionary(b => b.Path);
        var specs = new Dictionary<string, SignatureSpec>();
        foreach (var (key, value) in Flatten(obj, ""))
        {
            string path = ToBlockPath(arch, key);
            if (!byPath.TryGetValue(path, out var block))
                throw new FormatException($"{source}: unknown layer '{key}' for {arch} (its conv blocks are {string.Join(", ", blocks.Select(b => FromBlockPath(arch, b.Path)))}).");
            var spec = ToSpec(value, key, source);
            if (spec is null) continue;
            if (spec is SignatureSpec.Text t && Encoding.UTF8.GetByteCount(t.Value) * 8 > block.OutChannels)
                throw new FormatException($"{source}: the signature of layer '{key}' needs {Encoding.UTF8.GetByteCount(t.Value) * 8} bits but the layer has {block.OutChannels} channels (at most {block.OutChannels / 8} UTF-8 bytes).");
            if (spec is SignatureSpec.Bits bits && bits.Value.Length > block.OutChannels)
                throw new FormatException($"{source}: the signature of layer '{key}' has {bits.Value.Length} bits but the layer has {block.OutChannels} channels.");
            specs[path] = spec;
        }
        var layers = blocks.Where(b => specs.ContainsKey(b.Path))
            .Select(b => new PassportLayerSpec(b.Path, b.InChannels, b.OutChannels, specs[b.Path])).ToList();
        return new PassportConfig(arch, layers);
    }

    public bool IsPassportLayer(string path) => Layers.Any(l => l.Path == path);

    /// <summary>The config in the original format (flat for AlexNet, nested for ResNet-18), every conv block listed.</summary>
    public string ToJson() => Build(Arch, path => Layers.FirstOrDefault(l => l.Path == path)?.Signature switch
    {
        null => false,
        SignatureSpec.Text t => t.Value,
        SignatureSpec.Constant c => c.Value,
        SignatureSpec.Bits b => new JsonObject { ["bits"] = b.Value.ToString() },
        _ => true,
    }).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>A config tree with one entry per conv block of <paramref name="arch"/>, valued by <paramref name="value"/>.</summary>
    private static JsonObject Build(string arch, Func<string, JsonNode?> value)
    {
        var root = new JsonObject();
        foreach (var block in ConvBlockLayout.Of(arch))
        {
            var parts = FromBlockPath(arch, block.Path).Split('.');
            var node = root;
            foreach (var p in parts[..^1]) node = (JsonObject)(node[p] ??= new JsonObject());
            node[parts[^1]] = value(block.Path);
        }
        return root;
    }

    private static IEnumerable<(string Key, JsonNode? Value)> Flatten(JsonObject obj, string prefix)
    {
        foreach (var (k, v) in obj)
        {
            string key = prefix.Length == 0 ? k : prefix + "." + k;
            if (v is JsonObject child && !IsBitsLeaf(child)) foreach (var e in Flatten(child, key)) yield return e;
            else yield return (key, v);
        }
    }

    /// <summary>An explicit-bits leaf: an object whose only key is "bits" or "file" (no module is named so).</summary>
    private static bool IsBitsLeaf(JsonObject o) => o.Count == 1 && (o.ContainsKey("bits") || o.ContainsKey("file"));

    private static SignatureSpec? ToSpec(JsonNode? value, string key, string source)
    {
        if (value is JsonObject o && IsBitsLeaf(o))
        {
            if (o["bits"]?.GetValueKind() == JsonValueKind.String) return new SignatureSpec.Bits(Signature.Parse(o["bits"]!.GetValue<string>(), $"{source} layer '{key}'"));
            if (o["file"]?.GetValueKind() == JsonValueKind.String)
            {
                string file = o["file"]!.GetValue<string>();
                string dir = File.Exists(source) ? Path.GetDirectoryName(Path.GetFullPath(source))! : Environment.CurrentDirectory;
                string path = Path.IsPathRooted(file) ? file : Path.Combine(dir, file);
                if (!File.Exists(path)) throw new FormatException($"{source}: the signature file '{path}' of layer '{key}' does not exist.");
                return new SignatureSpec.Bits(Signature.Parse(File.ReadAllText(path), path));
            }
            throw new FormatException($"{source}: layer '{key}': \"bits\" and \"file\" take a string.");
        }
        if (value is JsonValue v)
        {
            if (v.TryGetValue(out bool b)) return b ? new SignatureSpec.Random() : null;
            if (v.TryGetValue(out string? s) && s is not null) return new SignatureSpec.Text(s);
            if (v.TryGetValue(out int i) && i is 1 or -1) return new SignatureSpec.Constant(i);
        }
        throw new FormatException($"{source}: layer '{key}' must be true, false, a signature string or the constant 1 or -1, not {value?.ToJsonString() ?? "null"}.");
    }

    // AlexNet configs are keyed by feature index ("4"); its blocks live at "features.4".
    private static string ToBlockPath(string arch, string key) => arch == "alexnet" ? "features." + key : key;

    private static string FromBlockPath(string arch, string path) => arch == "alexnet" ? path["features.".Length..] : path;
}
