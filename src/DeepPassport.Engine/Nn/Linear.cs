using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Nn;

/// <summary>Fully connected layer (<c>nn.Linear</c>): y = x W^T + b, <c>weight</c> [out, in], optional <c>bias</c> [out].</summary>
public sealed class Linear : Module
{
    /// <summary>Creates the layer with PyTorch's default initialisation drawn from <paramref name="rng"/>.</summary>
    public Linear(int inFeatures, int outFeatures, Rng rng, bool bias = true)
    {
        ArgumentNullException.ThrowIfNull(rng);
        InFeatures = Check.Positive(inFeatures);
        OutFeatures = Check.Positive(outFeatures);
        Weight = RegisterParameter("weight", new Parameter(outFeatures, inFeatures));
        if (bias) Bias = RegisterParameter("bias", new Parameter(outFeatures));
        Init.DefaultLayer(Weight, Bias?.Value, rng);
    }

    /// <summary>Input features.</summary>
    public int InFeatures { get; }

    /// <summary>Output features.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight, [out, in].</summary>
    public Parameter Weight { get; }

    /// <summary>The bias [out], or null.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Linear(input, Weight, Bias?.Value);
}
