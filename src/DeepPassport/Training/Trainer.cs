using System.Diagnostics;
using DeepPassport.Engine.Data;
using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Optim;
using DeepPassport.Engine.Tensors;
using DeepPassport.Schemes;

namespace DeepPassport.Training;

/// <summary>Trigger samples appended to every training batch (scheme V3: two per batch, reference-spec §2.3).</summary>
public sealed record TriggerMix(IImageDataset Set, Augmentation Augmentation, int PerBatch = 2);

/// <summary>What a training run produced: the metrics of every epoch and the epoch whose weights the model now holds.</summary>
public sealed record TrainResult(IReadOnlyList<EpochMetrics> History, int BestEpoch)
{
    public EpochMetrics Best => History[BestEpoch - 1];
}

/// <summary>
/// The one trainer for every scheme (reference-spec §1.8, §2.2, §4.6): each step the loss
/// L = sum over branches CE(f_branch(x), y) + sum of sign losses + w * sum of balance losses, one backward pass, one SGD step; with a
/// <see cref="TriggerMix"/> each batch also carries trigger samples. After every epoch each branch is evaluated on
/// the test set; the weights of the epoch with the best mean branch accuracy are kept (the originals' best.pth).
/// </summary>
public sealed class Trainer(IBranchedModel model, TrainOptions options)
{
    public IBranchedModel Model { get; } = model;
    public TrainOptions Options { get; } = options;

    public TrainResult Run(IImageDataset train, IImageDataset test, Augmentation trainAugmentation, Augmentation testAugmentation,
        TriggerMix? trigger = null, IProgress<TrainProgress>? progress = null, Action<EpochMetrics>? onEpoch = null, CancellationToken cancel = default)
    {
        var network = Model.Network;
        var optimizer = new Sgd(network.Parameters(), Options.LearningRate, Options.Momentum, Options.WeightDecay);
        var schedule = new MultiStepLR(optimizer, Options.Milestones, Options.Gamma);
        var loader = new DataLoader(train, new DataLoaderOptions(Options.BatchSize, Shuffle: true, DropLast: true, Seed: Options.Seed, Augmentation: trainAugmentation));
        using var triggers = trigger is null ? null : new TriggerStream(trigger, Options.Seed);
        var history = new List<EpochMetrics>();
        StateDict? best = null;
        int bestEpoch = 0;
        for (int epoch = 1; epoch <= Options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            float lr = optimizer.LearningRate;
            network.Train();
            double lossSum = 0; long correct = 0, seen = 0; int batch = 0, batches = loader.BatchCount;
            var termSums = new Dictionary<string, double>();   // each loss term, summed over the epoch's images
            progress?.Report(new TrainProgress("train", epoch, Options.Epochs, 0, batches, 0, 0));
            foreach (var b in loader.Epoch(epoch))
            {
                cancel.ThrowIfCancellationRequested();
                // One step's tensors borrow pooled storage and give it back at the end of the step.
                using var step = TensorScope.Begin();
                var (images, labels) = triggers is null ? (b.Images, b.Labels) : triggers.Append(b.Images, b.Labels);
                optimizer.ZeroGrad();
                Tensor? loss = null;
                void Add(string term, Tensor value)
                {
                    loss = loss is null ? value : loss + value;
                    termSums[term] = termSums.GetValueOrDefault(term) + (double)value.Item() * labels.Length;
                }
                foreach (var branch in Model.Branches)
                {
                    var logits = Model.Forward(images, branch);
                    Add("ce_" + branch.ToString().ToLowerInvariant(), F.CrossEntropy(logits, labels));
                    correct += Evaluation.CountCorrect(logits, labels);
                }
                if (Model.SignLoss() is { } sign) Add("sign", sign);
                if (Model.BalanceLoss() is { } balance) Add("balance", balance);
                float lossValue = loss!.Item();
                // A NaN or infinite loss poisons every weight on the next step; stop and say so instead of training on.
                if (!float.IsFinite(lossValue))
                    throw new TrainingDivergedException($"Training diverged at epoch {epoch}, batch {batch + 1}: the loss is {lossValue}. " +
                        $"Lower the learning rate (now {optimizer.LearningRate}) or the sign-loss weight.");
                loss.Backward();
                optimizer.Step();
                lossSum += lossValue * labels.Length;
                seen += labels.Length;
                progress?.Report(new TrainProgress("train", epoch, Options.Epochs, ++batch, batches, lossSum / seen, (double)correct / (seen * Model.Branches.Count)));
            }
            schedule.Step();
            RecalibrateVerificationNorms(loader, epoch);
            // Evaluation batches differ in size from training's: let the training step's pooled arrays go first, and
            // evaluation's before the next epoch, or the pool holds both (ResNet-18, one batch file: 1.82 GB resident).
            TensorScope.TrimPool(returnToSystem: true);

            var accuracy = new Dictionary<Branch, double>();
            foreach (var branch in Model.Branches)
            {
                int epochNow = epoch;
                string phase = Model.Branches.Count == 1 ? "test" : $"test {branch.ToString().ToLowerInvariant()}";
                accuracy[branch] = Evaluation.Accuracy(Model, branch, test, testAugmentation, Options.EvalBatchSize, (done, total) =>
                    progress?.Report(new TrainProgress(phase, epochNow, Options.Epochs, done, total, 0, 0)));
            }
            var detection = Model.SignatureDetection();
            double? triggerAccuracy = trigger is null ? null : Evaluation.Accuracy(Model, Model.Branches[0], trigger.Set, trigger.Augmentation, Options.EvalBatchSize);
            var m = new EpochMetrics(epoch, lossSum / Math.Max(1, seen), (double)correct / Math.Max(1, seen * Model.Branches.Count),
                accuracy.Values.Average(), clock.Elapsed.TotalSeconds, lr)
            {
                DeploymentAccuracy = accuracy.TryGetValue(Branch.Deployment, out var d) ? d : null,
                VerificationAccuracy = accuracy.TryGetValue(Branch.Verification, out var v) ? v : null,
                SignatureDetection = detection.Count == 0 ? null : detection.Average(x => x.Detection),
                TriggerAccuracy = triggerAccuracy,
                LossTerms = termSums.ToDictionary(t => t.Key, t => t.Value / Math.Max(1, seen)),
            };
            history.Add(m);
            if (best is null || m.TestAccuracy > history[bestEpoch - 1].TestAccuracy)
            {
                best = network.StateDict();
                bestEpoch = epoch;
            }
            onEpoch?.Invoke(m);
            TensorScope.TrimPool(returnToSystem: true);
        }
        if (best is not null) network.LoadStateDict(best);
        return new TrainResult(history, bestEpoch);
    }

    /// <summary>
    /// Re-estimates the statistics of the norms only the verification branch uses (PAN/SP bn1) as a plain average over
    /// <see cref="TrainOptions.RecalibrationBatches"/> training batches with the epoch's final weights, every other
    /// module in evaluation mode (PyTorch's <c>update_bn</c>, for one branch). Why: that branch's affine comes from the
    /// passports through the conv weights and the MLP, which move at every step, so each layer's input statistics move
    /// too and the running averages (momentum 0.1) trail the weights. Measured on SP AlexNet (seed 0, epoch 5, 10,000
    /// test images): verification 37.0 % with the running averages, 47.2 % with batch statistics, 47.9 % recalibrated,
    /// deployment 49.5 %.
    /// </summary>
    private void RecalibrateVerificationNorms(DataLoader loader, int epoch)
    {
        var norms = Model.VerificationNorms();
        if (norms.Count == 0 || Options.RecalibrationBatches <= 0) return;
        var network = Model.Network;
        var momenta = norms.Select(n => n.Momentum).ToList();
        network.Eval();
        foreach (var n in norms) { n.ResetRunningStats(); n.Momentum = null; n.Train(); }
        try
        {
            using var _ = NoGrad.Scope();
            int batches = 0;
            foreach (var b in loader.Epoch(epoch))
            {
                using (TensorScope.Begin()) Model.Forward(b.Images, Branch.Verification);
                if (++batches == Options.RecalibrationBatches) break;
            }
        }
        finally
        {
            for (int i = 0; i < norms.Count; i++) norms[i].Momentum = momenta[i];
            network.Train();
        }
    }

    /// <summary>An endless, reshuffled stream of trigger samples, appended to each training batch.</summary>
    private sealed class TriggerStream(TriggerMix mix, ulong seed) : IDisposable
    {
        private readonly DataLoader _loader = new(mix.Set, new DataLoaderOptions(mix.PerBatch, Shuffle: true, DropLast: true, Seed: seed ^ 0x7121_6E55UL, Augmentation: mix.Augmentation));
        private IEnumerator<Batch>? _current;
        private int _epoch;

        public (Tensor Images, int[] Labels) Append(Tensor images, int[] labels)
        {
            while (_current is null || !_current.MoveNext())
            {
                _current?.Dispose();
                _current = _loader.Epoch(_epoch++).GetEnumerator();
            }
            var t = _current.Current;
            return (Tensor.Cat([images, t.Images], axis: 0), [.. labels, .. t.Labels]);
        }

        public void Dispose() => _current?.Dispose();
    }
}
