using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Nn;

/// <summary>
/// A learnable tensor owned by a <see cref="Module"/> (PyTorch's <c>nn.Parameter</c>). It requires a gradient
/// unless frozen; optimisers skip frozen parameters. Converts implicitly to its <see cref="Tensor"/> so it can
/// be passed straight to operators.
/// </summary>
public sealed class Parameter
{
    /// <summary>Wraps <paramref name="value"/> and marks it as requiring a gradient.</summary>
    public Parameter(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.IsLeaf) throw new ArgumentException("A parameter must be a leaf tensor (Detach() it first).", nameof(value));
        Value = value;
        Value.RequiresGrad = true;
    }

    /// <summary>A zero-filled parameter of the given shape.</summary>
    public Parameter(params int[] shape) : this(new Tensor(shape)) { }

    /// <summary>The tensor holding the values; optimisers update its <see cref="Tensor.Data"/> in place.</summary>
    public Tensor Value { get; }

    /// <summary>The accumulated gradient, or null before the first backward pass or after ZeroGrad.</summary>
    public Tensor? Grad { get => Value.Grad; set => Value.Grad = value; }

    /// <summary>Whether gradients flow into this parameter. False means frozen.</summary>
    public bool RequiresGrad { get => Value.RequiresGrad; set => Value.RequiresGrad = value; }

    /// <summary>The shape of <see cref="Value"/>.</summary>
    public int[] Shape => Value.Shape;

    /// <summary>The element count of <see cref="Value"/>.</summary>
    public int Size => Value.Size;

    /// <summary>Stops gradient flow and optimiser updates; also drops any gradient.</summary>
    public void Freeze() { RequiresGrad = false; Grad = null; }

    /// <summary>Makes the parameter trainable again.</summary>
    public void Unfreeze() => RequiresGrad = true;

    /// <summary>The parameter's tensor, for use in operators.</summary>
    public static implicit operator Tensor(Parameter p) => p.Value;

    /// <inheritdoc/>
    public override string ToString() => $"Parameter{Value.ShapeString}{(RequiresGrad ? "" : " (frozen)")}";
}
