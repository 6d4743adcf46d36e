using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Nn;

/// <summary>
/// Group normalisation (<c>nn.GroupNorm</c>): per sample over groups of C / groups channels, then a per-channel
/// affine <c>weight</c> (1) and <c>bias</c> (0) when affine. Same behaviour in training and evaluation.
/// </summary>
public sealed class GroupNorm : Module
{
    /// <summary>Creates the layer; <paramref name="numChannels"/> must be divisible by <paramref name="numGroups"/>.</summary>
    public GroupNorm(int numGroups, int numChannels, float eps = 1e-5f, bool affine = true)
    {
        NumGroups = Check.Positive(numGroups);
        NumChannels = Check.Positive(numChannels);
        if (numChannels % numGroups != 0)
            throw new ArgumentException($"GroupNorm: {numChannels} channels cannot be split into {numGroups} groups.", nameof(numGroups));
        Eps = Check.PositiveFloat(eps);
        if (affine)
        {
            Weight = RegisterParameter("weight", new Parameter(Tensor.Ones(numChannels)));
            Bias = RegisterParameter("bias", new Parameter(numChannels));
        }
    }

    /// <summary>Number of groups.</summary>
    public int NumGroups { get; }

    /// <summary>Channels.</summary>
    public int NumChannels { get; }

    /// <summary>Added to the variance for numerical stability.</summary>
    public float Eps { get; }

    /// <summary>γ [C], or null when not affine.</summary>
    public Parameter? Weight { get; }

    /// <summary>β [C], or null when not affine.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.GroupNorm(input, NumGroups, Weight?.Value, Bias?.Value, Eps);
}
