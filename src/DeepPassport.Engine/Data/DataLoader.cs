using System.Collections.Concurrent;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Data;

/// <summary>
/// Batches an <see cref="IImageDataset"/>: shuffles with a seed, augments, and builds up to
/// <see cref="DataLoaderOptions.Prefetch"/> batches ahead on a background thread. Every random choice comes
/// from a generator seeded by (seed, epoch) for the order and (seed, epoch, batch index) for the augmentation,
/// so a seed gives the same batches whatever the thread timing.
/// </summary>
public sealed class DataLoader
{
    // Distinct streams for the shuffle and the augmentation, so that neither depends on the other's draws.
    private const ulong ShuffleStream = 0x53485546464C45UL, AugmentStream = 0x4155474D454E54UL;

    /// <summary>Creates a loader; nothing is read until an epoch is enumerated.</summary>
    public DataLoader(IImageDataset dataset, DataLoaderOptions options)
    {
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be at least 1.");
        if (options.Prefetch < 0) throw new ArgumentOutOfRangeException(nameof(options), options.Prefetch, "Prefetch cannot be negative.");
        if (options.Augmentation is { } a && a.Norm.Channels != dataset.Channels)
            throw new ArgumentException($"Normalisation has {a.Norm.Channels} channels, the data set {dataset.Channels}.", nameof(options));
        Dataset = dataset;
        Options = options;
    }

    /// <summary>The data set being batched.</summary>
    public IImageDataset Dataset { get; }

    /// <summary>The batching options.</summary>
    public DataLoaderOptions Options { get; }

    /// <summary>Batches per epoch: floor(N / B) with DropLast, else ceil(N / B).</summary>
    public int BatchCount => Options.DropLast
        ? Dataset.Count / Options.BatchSize
        : (Dataset.Count + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>The order in which epoch <paramref name="epoch"/> visits the samples.</summary>
    public int[] Order(int epoch)
    {
        if (!Options.Shuffle) return Enumerable.Range(0, Dataset.Count).ToArray();
        return new Rng(DeriveSeed(Options.Seed, ShuffleStream, epoch, 0)).Permutation(Dataset.Count);
    }

    /// <summary>Builds one batch on the calling thread; equal to the corresponding batch of <see cref="Epoch"/>.</summary>
    public Batch GetBatch(int epoch, int batchIndex)
    {
        if ((uint)batchIndex >= (uint)BatchCount) throw new ArgumentOutOfRangeException(nameof(batchIndex), batchIndex, $"Batch index must be in [0, {BatchCount}).");
        return Build(Order(epoch), epoch, batchIndex);
    }

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/>, in order. An exception thrown while building a batch in the
    /// background is rethrown here, at the position of that batch. Stopping the enumeration early stops the builder.
    /// </summary>
    public IEnumerable<Batch> Epoch(int epoch)
    {
        int[] order = Order(epoch);
        return Options.Prefetch == 0 ? Synchronous(order, epoch) : Prefetched(order, epoch);
    }

    private IEnumerable<Batch> Synchronous(int[] order, int epoch)
    {
        for (int b = 0; b < BatchCount; b++) yield return Build(order, epoch, b);
    }

    private IEnumerable<Batch> Prefetched(int[] order, int epoch)
    {
        // Bounded: the builder blocks once Prefetch batches wait, so memory stays at Prefetch + 2 batches.
        using var queue = new BlockingCollection<Batch>(Options.Prefetch);
        using var stop = new CancellationTokenSource();
        Task builder = Task.Factory.StartNew(() =>
        {
            try
            {
                for (int b = 0; b < BatchCount; b++) queue.Add(Build(order, epoch, b), stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The consumer stopped early.
            }
            finally
            {
                queue.CompleteAdding();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        try
        {
            foreach (Batch batch in queue.GetConsumingEnumerable()) yield return batch;
            builder.GetAwaiter().GetResult(); // rethrows the builder's exception with its original stack trace
        }
        finally
        {
            stop.Cancel();
            try { builder.Wait(); }
            catch (AggregateException) { } // already rethrown above, or irrelevant because the consumer stopped
        }
    }

    private Batch Build(int[] order, int epoch, int batchIndex)
    {
        IImageDataset ds = Dataset;
        int start = batchIndex * Options.BatchSize;
        int n = Math.Min(Options.BatchSize, ds.Count - start);
        int c = ds.Channels, h = ds.Height, w = ds.Width, per = c * h * w;
        var images = new Tensor(n, c, h, w);
        var labels = new int[n];
        Augmentation? aug = Options.Augmentation;
        float[]? scratch = aug is null ? null : new float[per];
        var rng = new Rng(DeriveSeed(Options.Seed, AugmentStream, epoch, batchIndex));
        for (int i = 0; i < n; i++)
        {
            int index = order[start + i];
            labels[i] = ds.Label(index);
            Span<float> dst = images.Data.AsSpan(i * per, per);
            if (aug is null) { ds.CopyImage(index, dst); continue; }
            ds.CopyImage(index, scratch);
            aug.Apply(scratch, dst, c, h, w, rng);
        }
        return new Batch(images, labels);
    }

    /// <summary>Hashes (seed, stream, epoch, batch) into a seed with splitmix64's finaliser, one round per part.</summary>
    internal static ulong DeriveSeed(ulong seed, ulong stream, long epoch, long batch)
    {
        ulong h = Mix(seed ^ stream);
        h = Mix(h ^ (ulong)epoch);
        return Mix(h ^ (ulong)batch);
    }

    private static ulong Mix(ulong x)
    {
        ulong z = x + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
