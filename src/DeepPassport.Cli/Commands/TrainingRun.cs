using System.Text.Json;
using DeepPassport.Engine.Data;
using DeepPassport.Schemes;
using DeepPassport.Training;

namespace DeepPassport.Cli.Commands;

/// <summary>
/// What `train` and `demo` share: train with a progress bar, write manifest.json first and append metrics.jsonl
/// each epoch. The caller saves the artefacts of the model, which then holds its best epoch's weights.
/// </summary>
public static class TrainingRun
{
    public static TrainResult Execute(IBranchedModel model, IImageDataset train, IImageDataset test, Augmentation trainAug, Augmentation testAug,
        TriggerMix? trigger, TrainOptions options, string outDir, RunManifest manifest, bool json)
    {
        Directory.CreateDirectory(outDir);
        var metricsPath = Path.Combine(outDir, "metrics.jsonl");
        File.Delete(metricsPath);
        manifest.Write(Path.Combine(outDir, "manifest.json"));
        var log = new MetricsLog(metricsPath);
        ProgressBar? bar = null;
        var progress = new SyncProgress<TrainProgress>(p =>
        {
            if (p.Batch == 0) { bar = new ProgressBar($"epoch {p.Epoch}/{p.Epochs} {p.Phase}", p.Batches, "batches"); return; }
            bar?.Report(p.Batch, p.Phase == "train" ? $"loss {p.Loss:F3} acc {p.Accuracy:P1}" : null);
        });
        var trainer = new Trainer(model, options);
        return trainer.Run(train, test, trainAug, testAug, trigger, progress, m =>
        {
            log.Append(m);
            if (!json) Console.WriteLine(Describe(m));
        });
    }

    /// <summary>One line per epoch: the plain model's test accuracy, or each branch's, the signature and the trigger set.</summary>
    public static string Describe(EpochMetrics m)
    {
        var parts = new List<string> { $"epoch {m.Epoch}: loss {m.Loss:F4}", $"train {m.TrainAccuracy:P2}" };
        if (m.DeploymentAccuracy is null && m.VerificationAccuracy is null) parts.Add($"test {m.TestAccuracy:P2}");
        if (m.DeploymentAccuracy is { } d) parts.Add($"deployment {d:P2}");
        if (m.VerificationAccuracy is { } v) parts.Add($"verification {v:P2}");
        if (m.SignatureDetection is { } s) parts.Add($"signature {s:P1}");
        if (m.TriggerAccuracy is { } t) parts.Add($"trigger {t:P1}");
        return string.Join("  ", parts) + $"  ({m.Seconds:F0} s)";
    }

    public static void PrintSummary(string outDir, TrainResult result, IReadOnlyList<string> files, bool json)
    {
        var best = result.Best;
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                out_dir = outDir,
                epochs = result.History.Count,
                best_epoch = result.BestEpoch,
                test_accuracy = best.TestAccuracy,
                deployment_accuracy = best.DeploymentAccuracy,
                verification_accuracy = best.VerificationAccuracy,
                signature_detection = best.SignatureDetection,
                trigger_accuracy = best.TriggerAccuracy,
                train_accuracy = best.TrainAccuracy,
                loss = best.Loss,
                seconds = result.History.Sum(h => h.Seconds),
                files,
            }));
        else
            Console.WriteLine($"kept epoch {result.BestEpoch} of {result.History.Count} (best mean test accuracy {best.TestAccuracy:P2}); wrote {string.Join(", ", files.Select(f => Path.Combine(outDir, f)))}, metrics.jsonl, manifest.json");
    }
}

/// <summary>An IProgress that reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and reorder).</summary>
public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
