using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Nn;

/// <summary>
/// Average pooling over square windows (<c>nn.AvgPool2d</c>, padding counted as zeros); the stride defaults to the
/// kernel size.
/// </summary>
public sealed class AvgPool2d : Module
{
    /// <summary>Creates the layer; a null <paramref name="stride"/> means <paramref name="kernelSize"/>.</summary>
    public AvgPool2d(int kernelSize, int? stride = null, int padding = 0)
    {
        KernelSize = Check.Positive(kernelSize);
        Stride = Check.Positive(stride ?? kernelSize);
        Padding = Check.NonNegative(padding);
    }

    /// <summary>Window size.</summary>
    public int KernelSize { get; }

    /// <summary>Window step.</summary>
    public int Stride { get; }

    /// <summary>Zero padding on every side.</summary>
    public int Padding { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.AvgPool2d(input, KernelSize, Stride, Padding);
}
