using System.Numerics.Tensors;
using DeepPassport.Engine.Nn;

namespace DeepPassport.Engine.Optim;

/// <summary>
/// Adam as <c>torch.optim.Adam</c> (L2 weight decay added to the gradient, not decoupled): at step t,
/// d = g + λ w, m = β1 m + (1 − β1) d, v = β2 v + (1 − β2) d², and
/// w = w − lr / (1 − β1^t) · m / (sqrt(v) / sqrt(1 − β2^t) + ε).
/// </summary>
public sealed class Adam : Optimizer
{
    private readonly float[]?[] _m, _v;
    private readonly long[] _steps;
    private float[] _scratch2 = [];

    /// <summary>Creates the optimiser.</summary>
    public Adam(IEnumerable<Parameter> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f,
        float eps = 1e-8f, float weightDecay = 0f)
        : base(parameters, learningRate)
    {
        if (beta1 is < 0f or >= 1f) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must be in [0, 1).");
        if (beta2 is < 0f or >= 1f) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must be in [0, 1).");
        if (eps < 0f) throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must not be negative.");
        if (weightDecay < 0f) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "Weight decay must not be negative.");
        Beta1 = beta1; Beta2 = beta2; Eps = eps; WeightDecay = weightDecay;
        _m = new float[]?[Parameters.Count];
        _v = new float[]?[Parameters.Count];
        _steps = new long[Parameters.Count];
    }

    /// <summary>Decay of the first-moment estimate.</summary>
    public float Beta1 { get; }

    /// <summary>Decay of the second-moment estimate.</summary>
    public float Beta2 { get; }

    /// <summary>Added to the denominator for numerical stability.</summary>
    public float Eps { get; }

    /// <summary>λ, the L2 penalty added to the gradient.</summary>
    public float WeightDecay { get; }

    /// <summary>
    /// Copies the weights, the moments and the step counts into <paramref name="into"/> (its arrays reused), so that
    /// <see cref="LoadState"/> can undo the steps taken since, as if they had not been taken.
    /// </summary>
    public void SaveState(AdamState into)
    {
        into.Resize(Parameters.Count);
        for (int i = 0; i < Parameters.Count; i++)
        {
            into.W[i] = CopyInto(Parameters[i].Value.Data, into.W[i]);
            into.M[i] = CopyInto(_m[i], into.M[i]);
            into.V[i] = CopyInto(_v[i], into.V[i]);
        }
        _steps.CopyTo(into.Steps, 0);
    }

    /// <summary>Puts back the weights, moments and step counts saved by <see cref="SaveState"/>.</summary>
    public void LoadState(AdamState from)
    {
        if (from.Steps.Length != Parameters.Count)
            throw new ArgumentException($"The saved Adam state has {from.Steps.Length} parameters, this optimiser {Parameters.Count}.", nameof(from));
        for (int i = 0; i < Parameters.Count; i++)
        {
            from.W[i]!.CopyTo(Parameters[i].Value.Data, 0);
            _m[i] = CopyInto(from.M[i], _m[i]);
            _v[i] = CopyInto(from.V[i], _v[i]);
        }
        from.Steps.CopyTo(_steps, 0);
    }

    private static float[]? CopyInto(float[]? source, float[]? target)
    {
        if (source is null) return null;
        if (target is null || target.Length != source.Length) target = new float[source.Length];
        source.CopyTo(target, 0);
        return target;
    }

    /// <inheritdoc/>
    protected override void Update(int index, Span<float> weight, ReadOnlySpan<float> grad)
    {
        int n = grad.Length;
        long t = ++_steps[index];
        var m = _m[index] ??= new float[n];
        var v = _v[index] ??= new float[n];
        var d = Scratch(n);
        if (WeightDecay != 0f) TensorPrimitives.MultiplyAdd(weight, WeightDecay, grad, d);
        else grad.CopyTo(d);

        TensorPrimitives.Lerp(m, d, 1f - Beta1, m);
        if (_scratch2.Length < n) _scratch2 = new float[n];
        var tmp = _scratch2.AsSpan(0, n);
        TensorPrimitives.Multiply(d, d, tmp);
        TensorPrimitives.Multiply(tmp, 1f - Beta2, tmp);
        TensorPrimitives.MultiplyAdd(v, Beta2, tmp, v);

        // Bias corrections in double, as PyTorch computes them on Python floats.
        double biasCorrection1 = 1 - Math.Pow(Beta1, t);
        double biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, t));
        float stepSize = (float)(LearningRate / biasCorrection1);
        TensorPrimitives.Sqrt(v, tmp);
        TensorPrimitives.Divide(tmp, (float)biasCorrection2Sqrt, tmp);
        TensorPrimitives.Add(tmp, Eps, tmp);
        TensorPrimitives.Divide(m, tmp, tmp);
        TensorPrimitives.MultiplyAdd(tmp, -stepSize, weight, weight);
    }
}

/// <summary>A saved copy of an <see cref="Adam"/> optimiser's weights, moments and step counts (<see cref="Adam.SaveState"/>).</summary>
public sealed class AdamState
{
    internal float[]?[] W { get; private set; } = [];
    internal float[]?[] M { get; private set; } = [];
    internal float[]?[] V { get; private set; } = [];
    internal long[] Steps { get; private set; } = [];

    internal void Resize(int parameters)
    {
        if (Steps.Length == parameters) return;
        W = new float[]?[parameters];
        M = new float[]?[parameters];
        V = new float[]?[parameters];
        Steps = new long[parameters];
    }
}
