using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;
using DeepPassport.Passports;

namespace DeepPassport.Schemes;

/// <summary>
/// Builds an architecture's conv blocks for a DeepIPR scheme: the blocks the passport config names become
/// <see cref="DeepIprPassportBlock"/>s with fresh random passports and signatures (from one seeded generator, in config
/// order), every other block stays a plain <see cref="ConvBlock"/>.
/// </summary>
public sealed class DeepIprBlockFactory(PassportConfig config, DeepIprScheme scheme, NormType norm, BranchSwitch branch, Rng rng) : IConvBlockFactory
{
    private readonly Dictionary<string, ConvBlockInfo> _layout = ConvBlockLayout.Of(config.Arch).ToDictionary(b => b.Path);
    private readonly List<(string Path, DeepIprPassportBlock Block)> _passportBlocks = [];

    /// <summary>The passport blocks created so far, by path, in construction order.</summary>
    public IReadOnlyList<(string Path, DeepIprPassportBlock Block)> PassportBlocks => _passportBlocks;

    public Module Create(string path, int inChannels, int outChannels, int kernel, int stride, int padding, bool relu)
    {
        var spec = config.Layers.FirstOrDefault(l => l.Path == path);
        if (spec is null) return new ConvBlock(inChannels, outChannels, kernel, stride, padding, norm, relu, rng);
        var info = _layout[path];
        var signature = spec.Signature.Create(outChannels, rng);
        var block = new DeepIprPassportBlock(inChannels, outChannels, kernel, stride, padding, norm, relu, signature,
            PassportGenerator.Random(info, rng), PassportGenerator.Random(info, rng), publicBranch: scheme != DeepIprScheme.V1, branch, rng);
        _passportBlocks.Add((path, block));
        return block;
    }
}
