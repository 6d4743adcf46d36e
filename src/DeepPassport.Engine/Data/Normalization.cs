namespace DeepPassport.Engine.Data;

/// <summary>Per-channel normalisation x' = (x - mean[c]) / std[c], as torchvision's <c>Normalize</c>.</summary>
public sealed class Normalization
{
    private readonly float[] _mean, _std;

    /// <summary>Creates a normalisation; both lists have one value per channel and every std is positive.</summary>
    public Normalization(IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        if (mean.Count == 0 || mean.Count != std.Count)
            throw new ArgumentException($"Mean ({mean.Count} values) and std ({std.Count} values) need the same, non-zero length.");
        if (std.Any(s => !(s > 0) || !float.IsFinite(s))) throw new ArgumentException("Every std must be positive and finite.", nameof(std));
        _mean = [.. mean];
        _std = [.. std];
    }

    /// <summary>The CIFAR-10 statistics used by the passport papers' code.</summary>
    public static Normalization Cifar { get; } = new([0.4914f, 0.4822f, 0.4465f], [0.2023f, 0.1994f, 0.2010f]);

    /// <summary>The ImageNet statistics.</summary>
    public static Normalization ImageNet { get; } = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>Mean 0, std 1 for three channels: leaves values in [0, 1].</summary>
    public static Normalization Identity { get; } = new([0f, 0f, 0f], [1f, 1f, 1f]);

    /// <summary>Number of channels.</summary>
    public int Channels => _mean.Length;

    /// <summary>Per-channel mean.</summary>
    public IReadOnlyList<float> Mean => Array.AsReadOnly(_mean);

    /// <summary>Per-channel standard deviation.</summary>
    public IReadOnlyList<float> Std => Array.AsReadOnly(_std);

    /// <summary>Normalises a CHW image in place.</summary>
    public void Apply(Span<float> chw)
    {
        if (chw.Length % Channels != 0)
            throw new ArgumentException($"Image of {chw.Length} values is not {Channels} equal channel planes.", nameof(chw));
        int plane = chw.Length / Channels;
        for (int c = 0; c < Channels; c++)
        {
            // Subtract then divide, in float, exactly as torch does, so values match PyTorch bit for bit.
            float m = _mean[c], s = _std[c];
            Span<float> p = chw.Slice(c * plane, plane);
            for (int k = 0; k < p.Length; k++) p[k] = (p[k] - m) / s;
        }
    }
}
