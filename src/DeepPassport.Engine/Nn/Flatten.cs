using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Nn;

/// <summary>Flattens dimensions from <see cref="StartDim"/> on (<c>nn.Flatten</c>): [N, C, H, W] to [N, C*H*W].</summary>
public sealed class Flatten(int startDim = 1) : Module
{
    /// <summary>The first dimension that is flattened.</summary>
    public int StartDim { get; } = startDim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Flatten(StartDim);
}
