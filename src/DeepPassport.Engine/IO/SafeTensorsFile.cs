using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.IO;

/// <summary>
/// The contents of a safetensors file: named float tensors, named 64-bit integer tensors and
/// string metadata. Names are unique across <see cref="Tensors"/> and <see cref="Int64"/>.
/// </summary>
public sealed class SafeTensorsFile
{
    /// <summary>The free-form <c>__metadata__</c> entries of the header (string to string).</summary>
    public Dictionary<string, string> Metadata { get; } = new();

    /// <summary>Floating-point tensors. F32 is read as is; F64, F16 and BF16 are converted to float on reading; written as F32.</summary>
    public Dictionary<string, Tensor> Tensors { get; } = new();

    /// <summary>Integer tensors (BatchNorm <c>num_batches_tracked</c>, labels). I32 is widened on reading; written as I64.</summary>
    public Dictionary<string, Int64Tensor> Int64 { get; } = new();
}
