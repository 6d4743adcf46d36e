using DeepPassport.Engine.Nn;

namespace DeepPassport.Models;

/// <summary>
/// Builds every conv block of an architecture. The architectures create all their conv blocks through it, so a
/// passport scheme can supply a factory that returns passport layers for the blocks its config selects.
/// </summary>
public interface IConvBlockFactory
{
    /// <summary>
    /// Creates the block at dotted path <paramref name="path"/> (for example "features.4" or
    /// "layer4.1.convbn_2"): a <paramref name="kernel"/> x <paramref name="kernel"/> convolution from
    /// <paramref name="inChannels"/> to <paramref name="outChannels"/>, then normalisation and, when
    /// <paramref name="relu"/>, a ReLU.
    /// </summary>
    Module Create(string path, int inChannels, int outChannels, int kernel, int stride, int padding, bool relu);
}
