using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Data;

/// <summary>A mini-batch: images [B, C, H, W], augmented and normalised, and their labels.</summary>
public sealed record Batch(Tensor Images, int[] Labels)
{
    /// <summary>Number of samples in the batch.</summary>
    public int Size => Labels.Length;
}
