namespace DeepPassport.Engine.Nn;

/// <summary>
/// A mutable 64-bit integer buffer of a module, such as BatchNorm's <c>num_batches_tracked</c>.
/// It is saved in the state dict as an int64 scalar, as PyTorch does.
/// </summary>
public sealed class Int64Buffer
{
    /// <summary>The current value.</summary>
    public long Value { get; set; }

    /// <inheritdoc/>
    public override string ToString() => $"Int64Buffer({Value})";
}
