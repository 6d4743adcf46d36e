using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Nn;

/// <summary>
/// Adaptive average pooling (<c>nn.AdaptiveAvgPool2d</c>). Only the global case, output size 1 ([N, C, H, W] to
/// [N, C, 1, 1]), is supported: it is all the CIFAR models need.
/// </summary>
public sealed class AdaptiveAvgPool2d : Module
{
    /// <summary>Creates the layer; <paramref name="outputSize"/> must be 1.</summary>
    public AdaptiveAvgPool2d(int outputSize = 1)
    {
        if (outputSize != 1) throw new NotSupportedException($"AdaptiveAvgPool2d supports output size 1 only, not {outputSize}.");
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.AdaptiveAvgPool2d1x1(input);
}
