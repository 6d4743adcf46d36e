using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Nn;

/// <summary>
/// Inverted dropout (<c>nn.Dropout</c>): in training, zeroes each element with probability p and scales the rest by
/// 1 / (1 - p); the identity in evaluation. The mask comes from the module's own seeded generator.
/// </summary>
public sealed class Dropout : Module
{
    private readonly Rng _rng;

    /// <summary>Creates the layer drawing its masks from <paramref name="rng"/>.</summary>
    public Dropout(float p, Rng rng)
    {
        P = Check.Probability(p);
        _rng = rng ?? throw new ArgumentNullException(nameof(rng));
    }

    /// <summary>Creates the layer with its own generator seeded by <paramref name="seed"/>.</summary>
    public Dropout(float p, ulong seed) : this(p, new Rng(seed)) { }

    /// <summary>Probability of zeroing an element.</summary>
    public float P { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => IsTraining && P > 0f ? F.Dropout(input, P, training: true, _rng) : input;
}
