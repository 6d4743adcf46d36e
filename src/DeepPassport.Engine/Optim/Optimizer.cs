using DeepPassport.Engine.Nn;

namespace DeepPassport.Engine.Optim;

/// <summary>
/// Base of the optimisers (<c>torch.optim.Optimizer</c>) over one group of parameters. <see cref="Step"/>
/// updates every parameter that requires a gradient and has one; frozen parameters and parameters without a
/// gradient are left alone, and their state is not advanced.
/// </summary>
public abstract class Optimizer
{
    private float[] _scratch = [];

    /// <summary>Takes the parameters to optimise (each at most once) and the initial learning rate.</summary>
    protected Optimizer(IEnumerable<Parameter> parameters, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var list = parameters.ToList();
        if (list.Count == 0) throw new ArgumentException("The optimiser got an empty parameter list.", nameof(parameters));
        if (list.Distinct(ReferenceEqualityComparer.Instance).Count() != list.Count)
            throw new ArgumentException("A parameter appears more than once in the optimiser's list.", nameof(parameters));
        Parameters = list;
        LearningRate = learningRate;
    }

    /// <summary>The parameters, in the order given.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The current learning rate; schedulers change it between epochs.</summary>
    public float LearningRate
    {
        get;
        set => field = value >= 0f && float.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The learning rate must be finite and non-negative.");
    }

    /// <summary>Drops every gradient (PyTorch's <c>zero_grad(set_to_none=True)</c>).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters) p.Grad = null;
    }

    /// <summary>Updates the parameters from their gradients.</summary>
    public void Step()
    {
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            if (!p.RequiresGrad || p.Grad is null) continue;
            Update(i, p.Value.Data, p.Grad.Data);
        }
    }

    /// <summary>Updates parameter <paramref name="index"/> (its values <paramref name="weight"/>, gradient <paramref name="grad"/>) in place.</summary>
    protected abstract void Update(int index, Span<float> weight, ReadOnlySpan<float> grad);

    /// <summary>A scratch span of <paramref name="length"/> floats, reused across calls (contents undefined).</summary>
    protected Span<float> Scratch(int length)
    {
        if (_scratch.Length < length) _scratch = new float[length];
        return _scratch.AsSpan(0, length);
    }
}
