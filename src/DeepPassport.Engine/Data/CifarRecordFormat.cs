namespace DeepPassport.Engine.Data;

/// <summary>
/// The layout of "CIFAR-style records": each record is <see cref="LabelBytes"/> label bytes followed by
/// 3072 pixel bytes (1024 R, 1024 G, 1024 B, each a row-major 32x32 plane).
/// </summary>
/// <param name="LabelBytes">Label bytes per record: 1 for CIFAR-10, 2 for CIFAR-100 (coarse, fine).</param>
/// <param name="LabelIndex">Which of the label bytes is the label (CIFAR-100: 0 coarse, 1 fine).</param>
/// <param name="ClassCount">Labels must be below this; a larger one is reported as corrupt data.</param>
public sealed record CifarRecordFormat(int LabelBytes, int LabelIndex, int ClassCount)
{
    /// <summary>Channels, height and width of every image.</summary>
    public const int Channels = 3, Side = 32;

    /// <summary>Pixel bytes per record: 3 x 32 x 32.</summary>
    public const int ImageBytes = Channels * Side * Side;

    /// <summary>CIFAR-10: one label byte, 10 classes.</summary>
    public static CifarRecordFormat Cifar10 { get; } = new(1, 0, 10);

    /// <summary>CIFAR-100 with its 100 fine labels (second label byte).</summary>
    public static CifarRecordFormat Cifar100Fine { get; } = new(2, 1, 100);

    /// <summary>CIFAR-100 with its 20 coarse labels (first label byte).</summary>
    public static CifarRecordFormat Cifar100Coarse { get; } = new(2, 0, 20);

    /// <summary>Bytes per record.</summary>
    public int RecordBytes => LabelBytes + ImageBytes;

    /// <summary>Throws <see cref="ArgumentException"/> unless the format makes sense.</summary>
    public void Validate()
    {
        if (LabelBytes < 1) throw new ArgumentException($"LabelBytes must be at least 1, got {LabelBytes}.");
        if (LabelIndex < 0 || LabelIndex >= LabelBytes) throw new ArgumentException($"LabelIndex {LabelIndex} must be in [0, {LabelBytes}).");
        if (ClassCount < 1 || ClassCount > 256) throw new ArgumentException($"ClassCount {ClassCount} must be in [1, 256] for byte labels.");
    }
}
