namespace DeepPassport.Engine.Data;

/// <summary>How a <see cref="DataLoader"/> batches a data set.</summary>
/// <param name="BatchSize">Samples per batch.</param>
/// <param name="Shuffle">A fresh permutation every epoch, derived from <paramref name="Seed"/> and the epoch number.</param>
/// <param name="DropLast">Drop the last batch when it would be smaller than <paramref name="BatchSize"/>.</param>
/// <param name="Seed">Seed of the shuffle and of every random augmentation.</param>
/// <param name="Augmentation">The per-image pipeline; null passes the [0, 1] images through unchanged.</param>
/// <param name="Prefetch">Batches built ahead on a background thread; 0 builds each batch on the consumer's thread.</param>
public sealed record DataLoaderOptions(
    int BatchSize,
    bool Shuffle = false,
    bool DropLast = false,
    ulong Seed = 0,
    Augmentation? Augmentation = null,
    int Prefetch = 2);
