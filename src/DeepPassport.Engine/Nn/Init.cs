using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Nn;

/// <summary>
/// Weight initialisers as in <c>torch.nn.init</c>, filling tensors in place from a seeded <see cref="Rng"/>.
/// For a weight [out, in, k...], fan_in = in * prod(k) and fan_out = out * prod(k).
/// </summary>
public static class Init
{
    /// <summary>(fan_in, fan_out) of a weight of rank 2 or more.</summary>
    public static (int FanIn, int FanOut) Fans(Tensor weight)
    {
        if (weight.Rank < 2) throw new ArgumentException($"Fan in and fan out need a tensor of rank 2 or more, not {weight.ShapeString}.", nameof(weight));
        int receptive = 1;
        for (int i = 2; i < weight.Rank; i++) receptive *= weight.Shape[i];
        return (weight.Shape[1] * receptive, weight.Shape[0] * receptive);
    }

    /// <summary>The recommended gain for a nonlinearity; <paramref name="negativeSlope"/> is used by leaky ReLU only.</summary>
    public static float Gain(Nonlinearity nonlinearity, float negativeSlope = 0.01f) => nonlinearity switch
    {
        Nonlinearity.Linear or Nonlinearity.Sigmoid => 1f,
        Nonlinearity.Tanh => 5f / 3f,
        Nonlinearity.Relu => MathF.Sqrt(2f),
        Nonlinearity.LeakyRelu => MathF.Sqrt(2f / (1f + negativeSlope * negativeSlope)),
        _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity)),
    };

    /// <summary>Fills with U(low, high).</summary>
    public static void Uniform(Tensor t, Rng rng, float low, float high) => rng.FillUniform(t.Data, low, high);

    /// <summary>Fills with N(mean, std^2).</summary>
    public static void Normal(Tensor t, Rng rng, float mean, float std) => rng.FillNormal(t.Data, mean, std);

    /// <summary>Fills with a constant.</summary>
    public static void Constant(Tensor t, float value) => t.Data.AsSpan().Fill(value);

    /// <summary>Kaiming (He) normal: N(0, std^2) with std = gain / sqrt(fan).</summary>
    public static void KaimingNormal(Tensor weight, Rng rng, FanMode mode = FanMode.FanIn,
        Nonlinearity nonlinearity = Nonlinearity.LeakyRelu, float a = 0f)
    {
        float std = Gain(nonlinearity, a) / MathF.Sqrt(Fan(weight, mode));
        Normal(weight, rng, 0f, std);
    }

    /// <summary>Kaiming (He) uniform: U(-b, b) with b = gain * sqrt(3 / fan).</summary>
    public static void KaimingUniform(Tensor weight, Rng rng, FanMode mode = FanMode.FanIn,
        Nonlinearity nonlinearity = Nonlinearity.LeakyRelu, float a = 0f)
    {
        float bound = Gain(nonlinearity, a) * MathF.Sqrt(3f / Fan(weight, mode));
        Uniform(weight, rng, -bound, bound);
    }

    /// <summary>Xavier (Glorot) normal: std = gain * sqrt(2 / (fan_in + fan_out)).</summary>
    public static void XavierNormal(Tensor weight, Rng rng, float gain = 1f)
    {
        var (fanIn, fanOut) = Fans(weight);
        Normal(weight, rng, 0f, gain * MathF.Sqrt(2f / (fanIn + fanOut)));
    }

    /// <summary>Xavier (Glorot) uniform: U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out)).</summary>
    public static void XavierUniform(Tensor weight, Rng rng, float gain = 1f)
    {
        var (fanIn, fanOut) = Fans(weight);
        float bound = gain * MathF.Sqrt(6f / (fanIn + fanOut));
        Uniform(weight, rng, -bound, bound);
    }

    /// <summary>
    /// PyTorch's default for Conv2d and Linear (<c>reset_parameters</c>): weight kaiming_uniform with a = sqrt(5),
    /// i.e. bound sqrt(6 / ((1 + 5) fan_in)) = 1 / sqrt(fan_in); bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    /// </summary>
    public static void DefaultLayer(Tensor weight, Tensor? bias, Rng rng)
    {
        KaimingUniform(weight, rng, FanMode.FanIn, Nonlinearity.LeakyRelu, MathF.Sqrt(5f));
        if (bias is null) return;
        int fanIn = Fans(weight).FanIn;
        float bound = fanIn > 0 ? 1f / MathF.Sqrt(fanIn) : 0f;
        Uniform(bias, rng, -bound, bound);
    }

    private static int Fan(Tensor weight, FanMode mode)
    {
        var (fanIn, fanOut) = Fans(weight);
        int fan = mode == FanMode.FanIn ? fanIn : fanOut;
        if (fan <= 0) throw new ArgumentException($"Cannot initialise a weight of shape {weight.ShapeString}: its fan is 0.", nameof(weight));
        return fan;
    }
}
