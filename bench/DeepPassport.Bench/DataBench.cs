using DeepPassport.Engine.Data;
using DeepPassport.Engine.Kernels;

namespace DeepPassport.Bench;

/// <summary>
/// Data-pipeline speed on one core: augmented CIFAR batches (random crop with padding 4, flip, normalisation) built
/// by the loader, and image decoding of the COCO passport photos.
/// </summary>
public static class DataBench
{
    public static void Run(string dataRoot, int rounds)
    {
        Parallelism.Degree = 1;
        var cifar = CifarDataset.LoadCifar10(Path.Combine(dataRoot, "cifar-10-batches-bin"), train: true, trainBatches: 1);
        var loader = new DataLoader(cifar, new DataLoaderOptions(64, Shuffle: true, DropLast: true, Seed: 1, Augmentation: Augmentation.CifarTrain, Prefetch: 0));
        int epoch = 0;
        double batchRate = Measure.MedianRate(rounds, () =>
        {
            int n = 0;
            foreach (var b in loader.Epoch(epoch++)) { n += b.Size; if (n >= 64 * 40) break; }
            return n;
        });
        Console.WriteLine($"augmented CIFAR batches (batch 64, crop+flip+normalise, 1 thread): {batchRate:F0} images/s");
        DecodeBench.Run(dataRoot, rounds);
    }
}
