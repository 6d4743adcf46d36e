using System.Diagnostics;
using DeepPassport.Engine.Data;
using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Optim;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Training;

/// <summary>
/// Trains a classifier with cross-entropy and SGD: each epoch one pass over shuffled, augmented batches, then
/// an evaluation on the test set. Reports progress per batch and metrics per epoch.
/// </summary>
public sealed class ClassifierTrainer(Module model, TrainOptions options)
{
    public Module Model { get; } = model;
    public TrainOptions Options { get; } = options;

    public IReadOnlyList<EpochMetrics> Run(IImageDataset train, IImageDataset test, Augmentation trainAugmentation,
        Augmentation testAugmentation, IProgress<TrainProgress>? progress = null, Action<EpochMetrics>? onEpoch = null,
        CancellationToken cancel = default)
    {
        var optimizer = new Sgd(Model.Parameters(), Options.LearningRate, Options.Momentum, Options.WeightDecay);
        var schedule = new MultiStepLR(optimizer, Options.Milestones, Options.Gamma);
        var loader = new DataLoader(train, new DataLoaderOptions(Options.BatchSize, Shuffle: true, DropLast: true, Seed: Options.Seed, Augmentation: trainAugmentation));
        var history = new List<EpochMetrics>();
        for (int epoch = 1; epoch <= Options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            float lr = optimizer.LearningRate;
            Model.Train();
            double lossSum = 0; long correct = 0, seen = 0; int batch = 0, batches = loader.BatchCount;
            progress?.Report(new TrainProgress("train", epoch, Options.Epochs, 0, batches, 0, 0));
            foreach (var b in loader.Epoch(epoch))
            {
                cancel.ThrowIfCancellationRequested();
                optimizer.ZeroGrad();
                var logits = Model.Forward(b.Images);
                var loss = F.CrossEntropy(logits, b.Labels);
                loss.Backward();
                optimizer.Step();
                lossSum += loss.Item() * b.Labels.Length;
                correct += Evaluation.CountCorrect(logits, b.Labels);
                seen += b.Labels.Length;
                progress?.Report(new TrainProgress("train", epoch, Options.Epochs, ++batch, batches, lossSum / seen, (double)correct / seen));
            }
            schedule.Step();
            int epochNow = epoch;
            double testAcc = Evaluation.Accuracy(Model, test, testAugmentation, Options.EvalBatchSize, (done, total) =>
                progress?.Report(new TrainProgress("test", epochNow, Options.Epochs, done, total, 0, 0)));
            var m = new EpochMetrics(epoch, lossSum / Math.Max(1, seen), (double)correct / Math.Max(1, seen), testAcc, clock.Elapsed.TotalSeconds, lr);
            history.Add(m);
            onEpoch?.Invoke(m);
        }
        return history;
    }
}
