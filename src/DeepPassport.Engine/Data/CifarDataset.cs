namespace DeepPassport.Engine.Data;

/// <summary>
/// A data set of 32x32 RGB images stored as CIFAR-style records (CIFAR-10, CIFAR-100, caltech101-32),
/// held in memory as bytes and converted to floats one image at a time.
/// </summary>
public sealed class CifarDataset : IImageDataset
{
    // x / 255 as torchvision's ToTensor computes it (a division, not a multiplication by 1/255, which can differ by an ulp).
    private static readonly float[] ByteToUnit = Enumerable.Range(0, 256).Select(b => b / 255f).ToArray();

    private readonly byte[] _labels;
    private readonly byte[] _pixels;

    /// <summary>
    /// Reads <paramref name="files"/> in order. <paramref name="classNamesFile"/> (one name a line) is optional;
    /// without it the classes are named by number.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file has the wrong size, a label is out of range, or the names do not match the class count.</exception>
    public CifarDataset(IReadOnlyList<string> files, CifarRecordFormat format, string? classNamesFile = null)
    {
        format.Validate();
        if (files.Count == 0) throw new ArgumentException("At least one records file is needed.", nameof(files));
        (_labels, _pixels) = CifarRecords.Read(files, format);
        ClassCount = format.ClassCount;
        ClassNames = classNamesFile is null ? ClassNamesFile.Numbered(ClassCount) : ClassNamesFile.Read(classNamesFile, ClassCount);
    }

    /// <summary>Reads files with <paramref name="labelBytes"/> label bytes per record, using label byte <paramref name="labelIndex"/>.</summary>
    public CifarDataset(IReadOnlyList<string> files, int classCount, string? classNamesFile = null, int labelBytes = 1, int labelIndex = 0)
        : this(files, new CifarRecordFormat(labelBytes, labelIndex, classCount), classNamesFile) { }

    /// <summary>
    /// CIFAR-10 from the official binary folder (<c>cifar-10-batches-bin</c>): <c>data_batch_1..N.bin</c> for
    /// training, <c>test_batch.bin</c> for testing, names from <c>batches.meta.txt</c>.
    /// </summary>
    public static CifarDataset LoadCifar10(string dir, bool train, int trainBatches = 5)
    {
        if (trainBatches is < 1 or > 5) throw new ArgumentOutOfRangeException(nameof(trainBatches), trainBatches, "CIFAR-10 has training batches 1 to 5.");
        RequireFolder(dir, "CIFAR-10");
        string[] files = train
            ? Enumerable.Range(1, trainBatches).Select(i => Path.Combine(dir, $"data_batch_{i}.bin")).ToArray()
            : [Path.Combine(dir, "test_batch.bin")];
        return new CifarDataset(files, CifarRecordFormat.Cifar10, Path.Combine(dir, "batches.meta.txt"));
    }

    /// <summary>CIFAR-100 from the official binary folder (<c>cifar-100-binary</c>: <c>train.bin</c>, <c>test.bin</c>, label name files).</summary>
    public static CifarDataset LoadCifar100(string dir, bool train, bool fineLabels = true)
    {
        RequireFolder(dir, "CIFAR-100");
        CifarRecordFormat format = fineLabels ? CifarRecordFormat.Cifar100Fine : CifarRecordFormat.Cifar100Coarse;
        string names = Path.Combine(dir, fineLabels ? "fine_label_names.txt" : "coarse_label_names.txt");
        return new CifarDataset([Path.Combine(dir, train ? "train.bin" : "test.bin")], format, names);
    }

    /// <summary>Caltech-101 at 32x32 (<c>caltech101-32</c>: <c>caltech101_{train,test}_32x32.bin</c>, <c>classes.txt</c>, 101 classes).</summary>
    public static CifarDataset LoadCaltech101(string dir, bool train)
    {
        RequireFolder(dir, "caltech101-32");
        string file = Path.Combine(dir, train ? "caltech101_train_32x32.bin" : "caltech101_test_32x32.bin");
        return new CifarDataset([file], new CifarRecordFormat(1, 0, 101), Path.Combine(dir, "classes.txt"));
    }

    /// <inheritdoc/>
    public int Count => _labels.Length;

    /// <inheritdoc/>
    public int ClassCount { get; }

    /// <summary>Class names in label order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <inheritdoc/>
    public int Channels => CifarRecordFormat.Channels;

    /// <inheritdoc/>
    public int Height => CifarRecordFormat.Side;

    /// <inheritdoc/>
    public int Width => CifarRecordFormat.Side;

    /// <inheritdoc/>
    public int Label(int i) => _labels[CheckIndex(i)];

    /// <summary>The raw 3072 bytes of image <paramref name="i"/>: planar R, G, B, each 32x32 row-major.</summary>
    public ReadOnlySpan<byte> ImageBytes(int i) => _pixels.AsSpan(CheckIndex(i) * CifarRecordFormat.ImageBytes, CifarRecordFormat.ImageBytes);

    /// <inheritdoc/>
    public void CopyImage(int i, Span<float> dst)
    {
        if (dst.Length != CifarRecordFormat.ImageBytes)
            throw new ArgumentException($"Destination holds {dst.Length} floats, an image needs {CifarRecordFormat.ImageBytes}.", nameof(dst));
        ReadOnlySpan<byte> src = ImageBytes(i);
        for (int k = 0; k < src.Length; k++) dst[k] = ByteToUnit[src[k]];
    }

    private int CheckIndex(int i)
    {
        if ((uint)i >= (uint)_labels.Length) throw new ArgumentOutOfRangeException(nameof(i), i, $"Index must be in [0, {_labels.Length}).");
        return i;
    }

    private static void RequireFolder(string dir, string what)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"{what} folder not found: '{dir}'.");
    }
}
