using System.Globalization;
using DeepPassport.Engine.Imaging;

namespace DeepPassport.Engine.Data;

/// <summary>
/// The trigger set of Adi et al. as the passport papers load it: images in <c>pics/</c>, labels in
/// <c>labels-cifar.txt</c> (one a line, written as a float such as <c>3.0</c> or <c>3.000e+00</c>). Label line i
/// belongs to the i-th file name in plain ordinal text order (1.jpg, 10.jpg, 100.jpg, 11.jpg, ...). The transform
/// is CenterCrop(size) without any resize, as RGB. Images are decoded lazily and the crops cached.
/// </summary>
public sealed class TriggerSet : ImageFileDataset
{
    /// <summary>Sub-folder holding the images.</summary>
    public const string PicturesFolder = "pics";

    /// <summary>The label file next to <see cref="PicturesFolder"/>.</summary>
    public const string LabelsFile = "labels-cifar.txt";

    /// <summary>Lists <c>pics/</c> and reads the labels; nothing is decoded yet.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder or its <c>pics/</c> is missing.</exception>
    /// <exception cref="FileNotFoundException">The label file is missing.</exception>
    /// <exception cref="InvalidDataException">The label count differs from the image count, or a label is not an integer in [0, classCount).</exception>
    public TriggerSet(string dir, int classCount = 10, int size = 32)
        : base(List(dir, classCount, size, out var labels), labels, size, img => ImageOps.CenterCrop(img, size, size))
        => ClassCount = classCount;

    private static string[] List(string dir, int classCount, int size, out int[] labels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        string pics = Path.Combine(dir, PicturesFolder), labelsPath = Path.Combine(dir, LabelsFile);
        if (!Directory.Exists(pics)) throw new DirectoryNotFoundException($"Trigger set folder '{pics}' does not exist.");
        if (!File.Exists(labelsPath)) throw new FileNotFoundException($"Trigger set label file '{labelsPath}' does not exist.", labelsPath);
        string[] files = ImageFileCache.ListImages(pics);
        if (files.Length == 0) throw new InvalidDataException($"Trigger set folder '{pics}' holds no image.");
        labels = ReadLabels(labelsPath, classCount);
        if (labels.Length != files.Length)
            throw new InvalidDataException($"'{labelsPath}' has {labels.Length} labels but '{pics}' holds {files.Length} images.");
        return files;
    }

    /// <summary>Parses one label a line (trailing blank lines ignored); each must be an integral number in [0, classCount).</summary>
    internal static int[] ReadLabels(string path, int classCount)
    {
        string[] lines = File.ReadAllLines(path);
        int n = lines.Length;
        while (n > 0 && string.IsNullOrWhiteSpace(lines[n - 1])) n--;
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            string text = lines[i].Trim();
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v != Math.Floor(v) || double.IsInfinity(v))
                throw new InvalidDataException($"'{path}' line {i + 1}: '{text}' is not an integral label.");
            if (v < 0 || v >= classCount)
                throw new InvalidDataException($"'{path}' line {i + 1}: label {v} is outside [0, {classCount}).");
            labels[i] = (int)v;
        }
        return labels;
    }

    public override int ClassCount { get; }
}
