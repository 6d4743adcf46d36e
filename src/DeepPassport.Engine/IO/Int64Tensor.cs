namespace DeepPassport.Engine.IO;

/// <summary>A row-major tensor of 64-bit integers as stored in a safetensors file (dtype I64).</summary>
/// <param name="Data">The elements, row-major; the product of <paramref name="Shape"/> of them.</param>
/// <param name="Shape">The extent of each dimension; empty for a scalar.</param>
public sealed record Int64Tensor(long[] Data, int[] Shape)
{
    /// <summary>A scalar (shape <c>[]</c>), the form PyTorch gives <c>num_batches_tracked</c>.</summary>
    public static Int64Tensor Scalar(long value) => new([value], []);
}
