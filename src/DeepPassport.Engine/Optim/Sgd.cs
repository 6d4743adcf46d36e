using System.Numerics.Tensors;
using DeepPassport.Engine.Nn;

namespace DeepPassport.Engine.Optim;

/// <summary>
/// Stochastic gradient descent as <c>torch.optim.SGD</c> (dampening 0):
/// d = g + λ w; with momentum μ, b = d on the first step, then b = μ b + d, and d = d + μ b (Nesterov) or d = b;
/// finally w = w − lr d.
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly float[]?[] _momentumBuffers;

    /// <summary>Creates the optimiser.</summary>
    public Sgd(IEnumerable<Parameter> parameters, float learningRate, float momentum = 0f, float weightDecay = 0f, bool nesterov = false)
        : base(parameters, learningRate)
    {
        if (momentum < 0f) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must not be negative.");
        if (weightDecay < 0f) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "Weight decay must not be negative.");
        if (nesterov && momentum == 0f) throw new ArgumentException("Nesterov momentum needs a positive momentum.", nameof(nesterov));
        Momentum = momentum;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
        _momentumBuffers = new float[]?[Parameters.Count];
    }

    /// <summary>μ.</summary>
    public float Momentum { get; }

    /// <summary>λ, the L2 penalty added to the gradient.</summary>
    public float WeightDecay { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    protected override void Update(int index, Span<float> weight, ReadOnlySpan<float> grad)
    {
        var d = Scratch(grad.Length);
        if (WeightDecay != 0f) TensorPrimitives.MultiplyAdd(weight, WeightDecay, grad, d);
        else grad.CopyTo(d);
        if (Momentum != 0f)
        {
            var buf = _momentumBuffers[index];
            if (buf is null) _momentumBuffers[index] = buf = d.ToArray();
            else TensorPrimitives.MultiplyAdd(buf, Momentum, d, buf);
            if (Nesterov) TensorPrimitives.MultiplyAdd(buf, Momentum, d, d);
            else buf.CopyTo(d);
        }
        TensorPrimitives.MultiplyAdd(d, -LearningRate, weight, weight);
    }
}
