using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Nn;

/// <summary>max(0, x), elementwise (<c>nn.ReLU</c>).</summary>
public sealed class ReLU : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Relu();
}
