using System.Globalization;
using DeepPassport.Engine.Imaging;
using DeepPassport.Engine.IO;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Stego;

/// <summary>
/// What the owner needs to issue and check licences: the trained ISN, the steganographic key image k_s, and the image
/// size S both work at (passports and identity images are resized to S x S). Stored as two files, in a folder
/// (<c>isn train --out</c>) or inside the owner vault under <c>isn/</c>:
/// <c>isn.safetensors</c> (weights by name, metadata format/blocks/image_size, and cover_sha256 for an ISN trained on one
/// cover) and <c>key.png</c> (the key at S x S, lossless).
/// </summary>
public sealed record IsnBundle(Isn Network, Image Key, int ImageSize, string? CoverDigest = null)
{
    public const string Format = "deeppassport-isn";
    public const string WeightsFile = "isn.safetensors", KeyFile = "key.png";

    /// <summary>The key at the working size: resized (area) to S x S, RGB.</summary>
    public static Image PrepareKey(Image key, int size) => Fit(key, size);

    /// <summary>Any image (identity photo, passport) as the ISN sees it: RGB, centre-cropped to a square, resized to S x S.</summary>
    public static Image Fit(Image image, int size)
    {
        var rgb = ImageOps.ToRgb(image);
        int side = Math.Min(rgb.Width, rgb.Height);
        var square = side == rgb.Width && side == rgb.Height ? rgb : ImageOps.CenterCrop(rgb, side, side);
        return side == size ? square : ImageResize.Area(square, size, size);
    }

    /// <summary>Hex SHA-256 of the cover as the ISN sees it (<see cref="Fit"/> to S x S, RGB8 pixels): which owner passport an
    /// ISN trained on one cover belongs to, without keeping the passport in the ISN's files.</summary>
    public static string DigestOf(Image cover, int size) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Fit(cover, size).Pixels));

    /// <summary>Null when this ISN hides in any cover or was trained on <paramref name="cover"/>; otherwise why it does not fit.</summary>
    public string? CoverMismatch(Image cover) =>
        CoverDigest is null || CoverDigest == DigestOf(cover, ImageSize) ? null
            : "this ISN was trained to hide in another owner passport (cover_sha256 differs); train one on this owner's passport (isn train --owner)";

    /// <summary>The two files by name.</summary>
    public IReadOnlyDictionary<string, byte[]> ToFiles() => new Dictionary<string, byte[]>
    {
        [WeightsFile] = StateDictFile.ToBytes(Network.StateDict(), new Dictionary<string, string>
        {
            ["format"] = Format,
            ["blocks"] = Network.BlockCount.ToString(CultureInfo.InvariantCulture),
            ["image_size"] = ImageSize.ToString(CultureInfo.InvariantCulture),
            ["cover_sha256"] = CoverDigest ?? "",
        }),
        [KeyFile] = Png.Encode(Key),
    };

    /// <summary>Rebuilds the bundle; <paramref name="source"/> names the folder or vault in errors.</summary>
    public static IsnBundle FromFiles(IReadOnlyDictionary<string, byte[]> files, string source)
    {
        byte[] Entry(string name) => files.TryGetValue(name, out var b) ? b : throw new InvalidDataException($"{source}: no {name} (an ISN is {WeightsFile} + {KeyFile}, as `deeppassport isn train` writes).");
        string weightsPath = Path.Combine(source, WeightsFile);
        var (state, meta) = StateDictFile.FromBytes(Entry(WeightsFile), weightsPath);
        if (!meta.TryGetValue("format", out var format) || format != Format) throw new InvalidDataException($"{weightsPath}: not a DeepPassport ISN (format \"{format}\", expected \"{Format}\").");
        int Int(string name, int min, int max) =>
            meta.TryGetValue(name, out var s) && int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max
                ? v : throw new InvalidDataException($"{weightsPath}: metadata \"{name}\" must be an integer in [{min}, {max}].");
        int blocks = Int("blocks", 1, 64), size = Int("image_size", 8, 4096);
        if (size % 2 != 0) throw new InvalidDataException($"{weightsPath}: image_size {size} must be even.");
        var network = new Isn(blocks, new Rng(0));
        try { network.LoadStateDict(state, strict: true); }
        catch (Engine.Nn.StateDictException e) { throw new InvalidDataException($"{weightsPath}: {e.Message}", e); }
        var key = Png.Decode(Entry(KeyFile), Path.Combine(source, KeyFile));
        if (key.Width != size || key.Height != size || key.Channels != 3)
            throw new InvalidDataException($"{Path.Combine(source, KeyFile)}: the key is {key.Width}x{key.Height}x{key.Channels}, expected {size}x{size} RGB.");
        string? cover = meta.TryGetValue("cover_sha256", out var c) && c.Length > 0 ? c : null;
        if (cover is not null && (cover.Length != 64 || !cover.All(Uri.IsHexDigit)))
            throw new InvalidDataException($"{weightsPath}: metadata \"cover_sha256\" must be 64 hex digits.");
        return new IsnBundle(network, key, size, cover);
    }

    /// <summary>Writes the two files into <paramref name="dir"/> (created if needed).</summary>
    public void Save(string dir)
    {
        Directory.CreateDirectory(dir);
        foreach (var (name, bytes) in ToFiles())
        {
            string path = Path.Combine(dir, name), temp = path + ".tmp";
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, path, overwrite: true);
        }
    }

    /// <summary>Reads an ISN folder.</summary>
    public static IsnBundle Load(string dir)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"ISN folder '{dir}' does not exist.");
        var files = new Dictionary<string, byte[]>();
        foreach (var name in new[] { WeightsFile, KeyFile })
            if (File.Exists(Path.Combine(dir, name))) files[name] = File.ReadAllBytes(Path.Combine(dir, name));
        return FromFiles(files, dir);
    }
}
