using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;
using DeepPassport.Passports;

namespace DeepPassport.Schemes;

/// <summary>
/// An architecture whose keyed conv blocks are DeepIPR passport layers, with a forward that chooses the branch.
/// The passport layers are listed in construction (= config) order, so their signatures line up with the config.
/// </summary>
public sealed class DeepIprModel : IBranchedModel
{
    private readonly BranchSwitch _branch = new();
    private readonly SignLoss _signLoss;

    /// <summary>Builds the model around the owner's keys (passports + signatures); weights are drawn from <paramref name="seed"/>.</summary>
    public DeepIprModel(string arch, int numClasses, DeepIprScheme scheme, NormType norm, IReadOnlyList<LayerKey> keys, ulong seed, SignLoss? signLoss = null)
    {
        if (keys.Count == 0) throw new ArgumentException("A passport model needs at least one passport layer.");
        var layout = ConvBlockLayout.Of(arch).Select(b => b.Path).ToHashSet();
        if (keys.FirstOrDefault(k => !layout.Contains(k.Path)) is { } stray)
            throw new ArgumentException($"Passport layer '{stray.Path}' is not a conv block of {arch}.");
        var rng = new Rng(seed);
        var factory = new DeepIprBlockFactory(keys, scheme, norm, _branch, rng);
        Network = ModelFactory.Create(arch, numClasses, factory, rng);
        PassportLayers = factory.PassportBlocks;
        (Arch, NumClasses, Scheme, Norm) = (arch, numClasses, scheme, norm);
        _signLoss = signLoss ?? new SignLoss();
        Branches = scheme == DeepIprScheme.V1 ? [Branch.Verification] : [Branch.Deployment, Branch.Verification];
    }

    /// <summary>A model with random passports and the config's signatures, all from <paramref name="seed"/> (for tests and quick starts).</summary>
    public DeepIprModel(string arch, int numClasses, PassportConfig config, DeepIprScheme scheme, NormType norm, ulong seed)
        : this(arch, numClasses, scheme, norm, KeysFor(arch, config, seed), seed) { }

    private static IReadOnlyList<LayerKey> KeysFor(string arch, PassportConfig config, ulong seed)
    {
        if (config.Arch != arch) throw new ArgumentException($"Passport config is for {config.Arch}, not {arch}.");
        return PassportKeys.Create(config, KeyType.Random, new Rng(seed ^ 0x9A55_9087UL));
    }

    public Module Network { get; }
    public string Arch { get; }
    public int NumClasses { get; }
    public DeepIprScheme Scheme { get; }
    public NormType Norm { get; }
    public IReadOnlyList<Branch> Branches { get; }
    public IReadOnlyList<(string Path, DeepIprPassportBlock Block)> PassportLayers { get; }

    /// <summary>Logits through one branch (V1 has only the passport branch: both values give it).</summary>
    public Tensor Forward(Tensor x, Branch branch)
    {
        _branch.Current = branch;
        return Network.Forward(x);
    }

    /// <summary>The sum over passport layers of the sign loss on each layer's passport-derived scale.</summary>
    public Tensor SignLoss() => SignLoss(_signLoss);

    Tensor? IBranchedModel.SignLoss() => SignLoss();

    public Tensor SignLoss(SignLoss loss)
    {
        Tensor? total = null;
        foreach (var (_, block) in PassportLayers)
        {
            var l = loss.Compute(block.PassportScale(), block.Signature);
            total = total is null ? l : total + l;
        }
        return total!;
    }

    /// <summary>Per-layer fraction of sign(gamma) matching the signature, recomputed from the current conv weights.</summary>
    public IReadOnlyList<(string Path, double Detection)> SignatureDetection()
    {
        using var _ = NoGrad.Scope();
        return PassportLayers.Select(p => (p.Path, p.Block.Signature.DetectionRate(p.Block.PassportScale().Data))).ToList();
    }

    /// <summary>The keys the model holds now: passports and signatures per layer.</summary>
    public IReadOnlyList<LayerKey> Keys() =>
        PassportLayers.Select(p => new LayerKey(p.Path, p.Block.PassportBeta.Clone(), p.Block.PassportGamma.Clone(), p.Block.Signature)).ToList();

    /// <summary>Puts other passports into every layer (same shapes, config order).</summary>
    public void SetPassports(IReadOnlyList<LayerKey> keys)
    {
        if (keys.Count != PassportLayers.Count) throw new ArgumentException($"{keys.Count} keys for {PassportLayers.Count} passport layers.");
        for (int i = 0; i < keys.Count; i++)
        {
            if (keys[i].Path != PassportLayers[i].Path) throw new ArgumentException($"Key for '{keys[i].Path}' where '{PassportLayers[i].Path}' was expected.");
            PassportLayers[i].Block.SetPassports(keys[i].PassportBeta, keys[i].PassportGamma);
        }
    }
}
