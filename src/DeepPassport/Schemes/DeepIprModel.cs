using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;
using DeepPassport.Passports;

namespace DeepPassport.Schemes;

/// <summary>
/// An architecture whose configured conv blocks are DeepIPR passport layers, with a forward that chooses the branch.
/// The passport layers are listed in config order, so their signatures and scales line up with the config.
/// </summary>
public sealed class DeepIprModel
{
    private readonly BranchSwitch _branch = new();

    public DeepIprModel(string arch, int numClasses, PassportConfig config, DeepIprScheme scheme, NormType norm, ulong seed)
    {
        if (config.Arch != arch) throw new ArgumentException($"Passport config is for {config.Arch}, not {arch}.");
        if (config.Layers.Count == 0) throw new ArgumentException("Passport config names no passport layer.");
        var rng = new Rng(seed);
        var factory = new DeepIprBlockFactory(config, scheme, norm, _branch, rng);
        Network = ModelFactory.Create(arch, numClasses, factory, rng);
        PassportLayers = factory.PassportBlocks;
        Scheme = scheme;
    }

    public Module Network { get; }
    public DeepIprScheme Scheme { get; }
    public IReadOnlyList<(string Path, DeepIprPassportBlock Block)> PassportLayers { get; }

    /// <summary>Logits through one branch (V1 has only the passport branch: both values give it).</summary>
    public Tensor Forward(Tensor x, Branch branch)
    {
        _branch.Current = branch;
        return Network.Forward(x);
    }

    /// <summary>The sum over passport layers of the sign loss on each layer's passport-derived scale.</summary>
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
}
