using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Nn;

/// <summary>x for x &gt; 0, else slope * x (<c>nn.LeakyReLU</c>, default slope 0.01).</summary>
public sealed class LeakyReLU(float negativeSlope = 0.01f) : Module
{
    /// <summary>The slope for negative inputs.</summary>
    public float NegativeSlope { get; } = negativeSlope;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.LeakyRelu(NegativeSlope);
}
