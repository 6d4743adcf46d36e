using DeepPassport.Engine.Data;
using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;

namespace DeepPassport.Passports;

/// <summary>Where `image` and `shuffle` passports come from: a pool of real images and the plain network that turns them into activations.</summary>
/// <param name="Pool">The candidate images (the papers use the test set).</param>
/// <param name="Augmentation">Their preprocessing (normalisation, no random crop).</param>
/// <param name="Norm">The plain network's norm type.</param>
/// <param name="Pretrained">A plain model's weights, or null for a random initialisation (what DeepIPR does on CIFAR without --pretrained-path).</param>
public sealed record PassportImageSource(IImageDataset Pool, Augmentation Augmentation, NormType Norm, StateDict? Pretrained);

/// <summary>Creates the owner's passports and signatures for every passport layer of a config (reference-spec §1.5-1.6).</summary>
public static class PassportKeys
{
    /// <summary>
    /// One <see cref="LayerKey"/> per passport layer, in config order, all drawn from <paramref name="rng"/>.
    /// `image` and `shuffle` need <paramref name="images"/>.
    /// </summary>
    public static IReadOnlyList<LayerKey> Create(PassportConfig config, KeyType keyType, Rng rng, PassportImageSource? images = null)
    {
        var layout = ConvBlockLayout.Of(config.Arch).ToDictionary(b => b.Path);
        Func<ConvBlockInfo, (Tensor Beta, Tensor Gamma)> passports = keyType switch
        {
            KeyType.Random => b => (PassportGenerator.Random(b, rng), PassportGenerator.Random(b, rng)),
            KeyType.Image => FromActivations(config, 1, images ?? throw NeedsImages(keyType), rng, (a, _) => a),
            KeyType.Shuffle => FromActivations(config, PassportGenerator.ShuffleImages, images ?? throw NeedsImages(keyType), rng, PassportGenerator.Shuffle),
            _ => throw new ArgumentOutOfRangeException(nameof(keyType)),
        };
        var keys = new List<LayerKey>();
        foreach (var spec in config.Layers)
        {
            var (beta, gamma) = passports(layout[spec.Path]);
            keys.Add(new LayerKey(spec.Path, beta, gamma, spec.Signature.Create(spec.Channels, rng)));
        }
        return keys;
    }

    /// <summary>
    /// Activations of <paramref name="perKey"/> images for P_beta and as many other images for P_gamma, captured once
    /// through the plain network; <paramref name="combine"/> turns a layer's [perKey, C, H, W] into the passport.
    /// </summary>
    private static Func<ConvBlockInfo, (Tensor, Tensor)> FromActivations(PassportConfig config, int perKey, PassportImageSource source,
        Rng rng, Func<Tensor, Rng, Tensor> combine)
    {
        var batch = ActivationMaps.Pick(source.Pool, 2 * perKey, source.Augmentation, rng);
        var maps = ActivationMaps.Capture(config.Arch, source.Norm, batch, source.Pretrained, rng.Fork());
        return b => (combine(maps[b.Path].Slice(0, perKey), rng), combine(maps[b.Path].Slice(perKey, perKey), rng));
    }

    /// <summary>
    /// Steganographic Passport's keys (reference-spec §4.4, §4.6): the owner passport is a pair of images (for P_beta
    /// and P_gamma); each layer's passports are their activations through a randomly initialised plain network left
    /// in training mode; each layer's signature is derived from the hash of the owner passport, so the config may only
    /// say which layers are passport layers (<c>true</c>).
    /// </summary>
    public static IReadOnlyList<LayerKey> CreateFromOwnerPassport(PassportConfig config, IReadOnlyList<Engine.Imaging.Image> ownerPassport, NormType norm,
        Rng rng, HashRule rule = HashRule.Counter)
    {
        if (ownerPassport.Count != 2) throw new ArgumentException($"An owner passport is two images (for P_beta and P_gamma), not {ownerPassport.Count}.");
        if (config.Layers.FirstOrDefault(l => l.Signature is not SignatureSpec.Random) is { } fixedSig)
            throw new ArgumentException($"Layer '{fixedSig.Path}' gives its own signature, but Steganographic Passport derives every signature from the owner passport's hash: mark passport layers with true.");
        var maps = ActivationMaps.Capture(config.Arch, norm, ActivationMaps.FromImages(ownerPassport, Normalization.Cifar), null, rng, trainMode: true);
        var digest = HashSignature.Digest(ownerPassport);
        return config.Layers.Select((l, i) => new LayerKey(l.Path, maps[l.Path].Slice(0, 1), maps[l.Path].Slice(1, 1),
            HashSignature.Derive(digest, i, l.Channels, rule))).ToList();
    }

    private static ArgumentException NeedsImages(KeyType k) =>
        new($"Key type '{k.ToOptionString()}' makes passports from real images: give an image pool.");
}
