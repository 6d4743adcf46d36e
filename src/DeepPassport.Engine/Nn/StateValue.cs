using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Nn;

/// <summary>
/// One entry of a <see cref="StateDict"/>: either a float32 tensor (parameters, float buffers) or an int64
/// scalar (counters such as <c>num_batches_tracked</c>).
/// </summary>
public sealed class StateValue
{
    private StateValue(Tensor? tensor, long int64) { Tensor = tensor; Int64 = int64; }

    /// <summary>The tensor, or null for an int64 entry.</summary>
    public Tensor? Tensor { get; }

    /// <summary>The integer value of an int64 entry (0 for a tensor entry).</summary>
    public long Int64 { get; }

    /// <summary>True for an int64 scalar entry.</summary>
    public bool IsInt64 => Tensor is null;

    /// <summary>The shape: the tensor's, or [] for an int64 scalar.</summary>
    public int[] Shape => Tensor?.Shape ?? [];

    /// <summary>A float tensor entry.</summary>
    public static StateValue FromTensor(Tensor tensor) => new(tensor ?? throw new ArgumentNullException(nameof(tensor)), 0);

    /// <summary>An int64 scalar entry.</summary>
    public static StateValue FromInt64(long value) => new(null, value);

    /// <summary>A float tensor entry.</summary>
    public static implicit operator StateValue(Tensor tensor) => FromTensor(tensor);

    /// <summary>An int64 scalar entry.</summary>
    public static implicit operator StateValue(long value) => FromInt64(value);

    /// <summary>"F32[shape]" or "I64[] = value", for messages.</summary>
    public string Describe() => IsInt64 ? $"I64[] = {Int64}" : $"F32{Tensor!.ShapeString}";

    /// <inheritdoc/>
    public override string ToString() => Describe();
}
