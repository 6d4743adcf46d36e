namespace DeepPassport.Engine.Data;

/// <summary>
/// A labelled image data set: a count and an indexer. Implementations must allow <see cref="CopyImage"/> and
/// <see cref="Label"/> to be called from a background thread (the loader prefetches on one).
/// </summary>
public interface IImageDataset
{
    /// <summary>Number of samples.</summary>
    int Count { get; }

    /// <summary>Number of classes; labels are in [0, ClassCount).</summary>
    int ClassCount { get; }

    /// <summary>Image channels (3 for RGB).</summary>
    int Channels { get; }

    /// <summary>Image height in pixels.</summary>
    int Height { get; }

    /// <summary>Image width in pixels.</summary>
    int Width { get; }

    /// <summary>The class of sample <paramref name="i"/>.</summary>
    int Label(int i);

    /// <summary>Writes sample <paramref name="i"/> to <paramref name="dst"/> as CHW floats in [0, 1]; dst holds exactly C*H*W values.</summary>
    void CopyImage(int i, Span<float> dst);
}
