using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Nn;

/// <summary>What max and average pooling share: a square window, its stride (the kernel size by default) and padding.</summary>
public abstract class Pool2d : Module
{
    /// <summary>Creates the layer; a null <paramref name="stride"/> means <paramref name="kernelSize"/>.</summary>
    protected Pool2d(int kernelSize, int? stride, int padding)
    {
        KernelSize = Check.Positive(kernelSize);
        Stride = Check.Positive(stride ?? kernelSize);
        Padding = Check.NonNegative(padding);
    }

    /// <summary>Window size.</summary>
    public int KernelSize { get; }

    /// <summary>Window step.</summary>
    public int Stride { get; }

    /// <summary>Padding on every side.</summary>
    public int Padding { get; }
}

/// <summary>Max pooling over square windows (<c>nn.MaxPool2d</c>); padding never wins the maximum.</summary>
public sealed class MaxPool2d(int kernelSize, int? stride = null, int padding = 0) : Pool2d(kernelSize, stride, padding)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.MaxPool2d(input, KernelSize, Stride, Padding);
}

/// <summary>Average pooling over square windows (<c>nn.AvgPool2d</c>, padding counted as zeros).</summary>
public sealed class AvgPool2d(int kernelSize, int? stride = null, int padding = 0) : Pool2d(kernelSize, stride, padding)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.AvgPool2d(input, KernelSize, Stride, Padding);
}
