using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Nn;

/// <summary>
/// 2-D convolution over NCHW input (<c>nn.Conv2d</c>): <c>weight</c> [out, in, k, k] and optional <c>bias</c> [out].
/// </summary>
public sealed class Conv2d : Module
{
    /// <summary>
    /// Creates the layer with PyTorch's default initialisation (<see cref="Init.DefaultLayer"/>) drawn from
    /// <paramref name="rng"/>. The generator comes before the optional arguments so there is no hidden global one.
    /// </summary>
    public Conv2d(int inChannels, int outChannels, int kernelSize, Rng rng, int stride = 1, int padding = 0, bool bias = true)
    {
        ArgumentNullException.ThrowIfNull(rng);
        InChannels = Check.Positive(inChannels);
        OutChannels = Check.Positive(outChannels);
        KernelSize = Check.Positive(kernelSize);
        Stride = Check.Positive(stride);
        Padding = Check.NonNegative(padding);
        Weight = RegisterParameter("weight", new Parameter(outChannels, inChannels, kernelSize, kernelSize));
        if (bias) Bias = RegisterParameter("bias", new Parameter(outChannels));
        Init.DefaultLayer(Weight, Bias?.Value, rng);
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Square kernel size.</summary>
    public int KernelSize { get; }

    /// <summary>Stride in both directions.</summary>
    public int Stride { get; }

    /// <summary>Zero padding on every side.</summary>
    public int Padding { get; }

    /// <summary>The kernel, [out, in, k, k].</summary>
    public Parameter Weight { get; }

    /// <summary>The per-channel bias [out], or null.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Conv2d(input, Weight, Bias?.Value, Stride, Padding);
}
