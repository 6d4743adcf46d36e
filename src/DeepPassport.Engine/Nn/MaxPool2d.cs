using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Nn;

/// <summary>Max pooling over square windows (<c>nn.MaxPool2d</c>); the stride defaults to the kernel size.</summary>
public sealed class MaxPool2d : Module
{
    /// <summary>Creates the layer; a null <paramref name="stride"/> means <paramref name="kernelSize"/>.</summary>
    public MaxPool2d(int kernelSize, int? stride = null, int padding = 0)
    {
        KernelSize = Check.Positive(kernelSize);
        Stride = Check.Positive(stride ?? kernelSize);
        Padding = Check.NonNegative(padding);
    }

    /// <summary>Window size.</summary>
    public int KernelSize { get; }

    /// <summary>Window step.</summary>
    public int Stride { get; }

    /// <summary>Implicit padding on every side (never the maximum).</summary>
    public int Padding { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.MaxPool2d(input, KernelSize, Stride, Padding);
}
