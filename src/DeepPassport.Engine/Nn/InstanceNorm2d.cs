using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Nn;

/// <summary>
/// Instance normalisation (<c>nn.InstanceNorm2d</c>, no running statistics): per sample and channel over (H, W).
/// PyTorch's default has no affine parameters; with affine, <c>weight</c> (1) and <c>bias</c> (0).
/// </summary>
public sealed class InstanceNorm2d : Module
{
    /// <summary>Creates the layer for <paramref name="numFeatures"/> channels.</summary>
    public InstanceNorm2d(int numFeatures, float eps = 1e-5f, bool affine = false)
    {
        NumFeatures = Check.Positive(numFeatures);
        Eps = Check.PositiveFloat(eps);
        if (affine)
        {
            Weight = RegisterParameter("weight", new Parameter(Tensor.Ones(numFeatures)));
            Bias = RegisterParameter("bias", new Parameter(numFeatures));
        }
    }

    /// <summary>Channels.</summary>
    public int NumFeatures { get; }

    /// <summary>Added to the variance for numerical stability.</summary>
    public float Eps { get; }

    /// <summary>γ [C], or null when not affine.</summary>
    public Parameter? Weight { get; }

    /// <summary>β [C], or null when not affine.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.InstanceNorm2d(input, Weight?.Value, Bias?.Value, Eps);
}
