using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;
using DeepPassport.Passports;

namespace DeepPassport.Schemes;

/// <summary>
/// Builds an architecture's conv blocks for a passport scheme: the blocks that have an owner key become the scheme's
/// <see cref="PassportLayer"/> with that key's passports and signature, every other block stays a plain
/// <see cref="ConvBlock"/>. Weights are drawn from <paramref name="rng"/>.
/// </summary>
public sealed class PassportBlockFactory(IReadOnlyList<LayerKey> keys, PassportScheme scheme, NormType norm, BranchSwitch branch, Rng rng) : IConvBlockFactory
{
    private readonly Dictionary<string, LayerKey> _keys = keys.ToDictionary(k => k.Path);
    private readonly List<(string Path, PassportLayer Block)> _passportBlocks = [];

    /// <summary>The passport blocks created so far, by path, in construction order.</summary>
    public IReadOnlyList<(string Path, PassportLayer Block)> PassportBlocks => _passportBlocks;

    public Module Create(string path, int inChannels, int outChannels, int kernel, int stride, int padding, bool relu)
    {
        // Plain blocks of an instance-norm model get an affine part, so the deployment (whose passport layers need one for
        // the public scale and bias) is one plain architecture with one kind of instance norm throughout.
        if (!_keys.TryGetValue(path, out var key)) return new ConvBlock(inChannels, outChannels, kernel, stride, padding, norm, relu, rng, instanceAffine: true);
        PassportLayer block = scheme switch
        {
            PassportScheme.V1 or PassportScheme.V2 or PassportScheme.V3 => new DeepIprPassportBlock(inChannels, outChannels, kernel, stride, padding, norm, relu,
                key.Signature, key.PassportBeta.Clone(), key.PassportGamma.Clone(), publicBranch: scheme != PassportScheme.V1, branch, rng),
            PassportScheme.Pan => new PanPassportBlock(inChannels, outChannels, kernel, stride, padding, norm, relu,
                key.Signature, key.PassportBeta.Clone(), key.PassportGamma.Clone(), branch, rng),
            PassportScheme.Sp => new SpPassportBlock(inChannels, outChannels, kernel, stride, padding, norm, relu,
                key.Signature, key.PassportBeta.Clone(), key.PassportGamma.Clone(), branch, rng),
            _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, null),
        };
        _passportBlocks.Add((path, block));
        return block;
    }
}
