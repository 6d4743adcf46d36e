using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;
using DeepPassport.Passports;

namespace DeepPassport.Schemes;

/// <summary>
/// An architecture whose keyed conv blocks are passport layers of one scheme, with a forward that chooses the branch.
/// The passport layers are listed in construction (= config) order, so their signatures line up with the config.
/// </summary>
public sealed class PassportModel : IBranchedModel
{
    private readonly BranchSwitch _branch = new();
    private readonly SignLoss _signLoss;

    /// <summary>Builds the model around the owner's keys (passports + signatures); weights are drawn from <paramref name="seed"/>.</summary>
    public PassportModel(string arch, int numClasses, PassportScheme scheme, NormType norm, IReadOnlyList<LayerKey> keys, ulong seed, SignLoss? signLoss = null)
    {
        if (keys.Count == 0) throw new ArgumentException("A passport model needs at least one passport layer.");
        var layout = ConvBlockLayout.Of(arch).Select(b => b.Path).ToHashSet();
        if (keys.FirstOrDefault(k => !layout.Contains(k.Path)) is { } stray)
            throw new ArgumentException($"Passport layer '{stray.Path}' is not a conv block of {arch}.");
        var rng = new Rng(seed);
        var factory = new PassportBlockFactory(keys, scheme, norm, _branch, rng);
        Network = ModelFactory.Create(arch, numClasses, factory, rng);
        PassportLayers = factory.PassportBlocks;
        (Arch, NumClasses, Scheme, Norm) = (arch, numClasses, scheme, norm);
        _signLoss = signLoss ?? new SignLoss();
        Branches = scheme == PassportScheme.V1 ? [Branch.Verification] : [Branch.Deployment, Branch.Verification];
        PassportPaths = PassportLayers.Select(p => p.Path).ToList();
    }

    /// <summary>A model with random passports and the config's signatures, all from <paramref name="seed"/> (for tests and quick starts).</summary>
    public PassportModel(string arch, int numClasses, PassportConfig config, PassportScheme scheme, NormType norm, ulong seed)
        : this(arch, numClasses, scheme, norm, KeysFor(arch, config, seed), seed) { }

    private static IReadOnlyList<LayerKey> KeysFor(string arch, PassportConfig config, ulong seed)
    {
        if (config.Arch != arch) throw new ArgumentException($"Passport config is for {config.Arch}, not {arch}.");
        return PassportKeys.Create(config, KeyType.Random, new Rng(seed ^ 0x9A55_9087UL));
    }

    public Module Network { get; }
    public string Arch { get; }
    public int NumClasses { get; }
    public PassportScheme Scheme { get; }
    public NormType Norm { get; }
    public IReadOnlyList<Branch> Branches { get; }
    public IReadOnlyList<(string Path, PassportLayer Block)> PassportLayers { get; }
    public IReadOnlyList<string> PassportPaths { get; }

    /// <summary>Logits through one branch (V1 has only the passport branch: both values give it).</summary>
    public Tensor Forward(Tensor x, Branch branch)
    {
        _branch.Current = branch;
        return Network.Forward(x);
    }

    /// <summary>The sum over passport layers of the sign loss on the value that carries each layer's signature.</summary>
    public Tensor SignLoss() => SignLoss(_signLoss);

    Tensor? IBranchedModel.SignLoss() => SignLoss();

    public Tensor SignLoss(SignLoss loss) => Sum(PassportLayers.Select(p => loss.Compute(p.Block.SignScale(), p.Block.Signature)))!;

    /// <summary>The weighted sum of the layers' balance losses (SP), or null when the scheme has none or the weight is 0.</summary>
    public Tensor? BalanceLoss() =>
        BalanceWeight == 0 ? null : Sum(PassportLayers.Select(p => p.Block.BalanceLoss()).OfType<Tensor>()) is { } sum ? sum * BalanceWeight : null;

    /// <summary>SP: starts every layer's gamma_t at the signature's signs (<see cref="SpPassportBlock.StartTransitionAtSignature"/>).</summary>
    public void StartTransitionsAtSignature()
    {
        foreach (var (_, block) in PassportLayers)
            if (block is SpPassportBlock sp) sp.StartTransitionAtSignature();
    }

    /// <summary>The weight w of the balance losses in the training objective.</summary>
    public float BalanceWeight { get; init; }

    private static Tensor? Sum(IEnumerable<Tensor> terms)
    {
        Tensor? total = null;
        foreach (var t in terms) total = total is null ? t : total + t;
        return total;
    }

    public IReadOnlyList<BatchNorm2d> VerificationNorms() => PassportLayers.Select(p => p.Block.VerificationNorm).OfType<BatchNorm2d>().ToList();

    /// <summary>Per-layer fraction of signature bits the current weights carry.</summary>
    public IReadOnlyList<(string Path, double Detection)> SignatureDetection()
    {
        using var _ = NoGrad.Scope();
        return PassportLayers.Select(p => (p.Path, p.Block.Signature.DetectionRate(p.Block.SignScale().Data))).ToList();
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
