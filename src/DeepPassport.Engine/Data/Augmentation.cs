namespace DeepPassport.Engine.Data;

/// <summary>
/// The per-image pipeline of the loader, in torchvision's order: random crop of the zero-padded [0, 1] image,
/// random horizontal flip (p = 0.5), then normalisation.
/// </summary>
/// <param name="RandomCrop">Crop back to the original size at a random offset after padding by <paramref name="Padding"/>.</param>
/// <param name="Padding">Zeros added on every side before the crop (4 for CIFAR).</param>
/// <param name="HorizontalFlip">Mirror left-right with probability 0.5.</param>
/// <param name="Norm">Per-channel normalisation applied last.</param>
public sealed record Augmentation(bool RandomCrop, int Padding, bool HorizontalFlip, Normalization Norm)
{
    /// <summary>The CIFAR training pipeline: crop 32 with padding 4, flip, CIFAR normalisation.</summary>
    public static Augmentation CifarTrain { get; } = new(true, 4, true, Normalization.Cifar);

    /// <summary>Evaluation: normalisation only.</summary>
    public static Augmentation Eval(Normalization norm) => new(false, 0, false, norm);

    /// <summary>
    /// Transforms one CHW image from <paramref name="src"/> (values in [0, 1]) into <paramref name="dst"/>,
    /// drawing the crop offset and then the flip from <paramref name="rng"/>.
    /// </summary>
    public void Apply(ReadOnlySpan<float> src, Span<float> dst, int channels, int height, int width, Tensors.Rng rng)
    {
        if (RandomCrop)
        {
            // torchvision draws top then left, each uniform in [0, 2 * padding].
            int top = rng.NextInt(2 * Padding + 1), left = rng.NextInt(2 * Padding + 1);
            Transforms.CropPadded(src, dst, channels, height, width, Padding, top, left);
        }
        else
        {
            src.CopyTo(dst);
        }
        if (HorizontalFlip && rng.NextDouble() < 0.5) Transforms.FlipHorizontal(dst, channels, height, width);
        Norm.Apply(dst);
    }
}
