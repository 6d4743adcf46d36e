using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Models;

/// <summary>Builds a plain <see cref="ConvBlock"/> with one norm type for every path, drawing weights from one generator.</summary>
public sealed class PlainConvBlockFactory(NormType norm, Rng rng, bool instanceAffine = false) : IConvBlockFactory
{
    private readonly Rng _rng = rng ?? throw new ArgumentNullException(nameof(rng));

    /// <summary>The norm type of every block.</summary>
    public NormType Norm { get; } = norm;

    /// <inheritdoc/>
    public Module Create(string path, int inChannels, int outChannels, int kernel, int stride, int padding, bool relu) =>
        new ConvBlock(inChannels, outChannels, kernel, stride, padding, Norm, relu, _rng, instanceAffine);
}
