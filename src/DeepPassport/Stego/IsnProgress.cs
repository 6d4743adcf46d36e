namespace DeepPassport.Stego;

/// <summary>One report from ISN training: a step's loss, or (with <see cref="StegoPsnr"/> set) a validation, or a
/// <see cref="Message"/> such as a roll-back after a blow-up.</summary>
public sealed record IsnProgress(int Step, int Steps, float Loss, float LearningRate)
{
    /// <summary>Mean PSNR (dB) of stego vs cover on the validation pairs.</summary>
    public double? StegoPsnr { get; init; }

    /// <summary>Mean PSNR (dB) of revealed vs true secret on the validation pairs (genuine key).</summary>
    public double? RevealPsnr { get; init; }

    public string? Message { get; init; }
}
