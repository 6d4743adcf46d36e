using System.Text.Json;
using DeepPassport.Engine.Data;
using DeepPassport.Engine.IO;
using DeepPassport.Engine.Nn;
using DeepPassport.Models;
using DeepPassport.Training;

namespace DeepPassport.Cli.Commands;

/// <summary>
/// What `train` and `demo` share: train with a progress bar, append metrics.jsonl each epoch, and leave
/// model.safetensors and manifest.json in the run directory.
/// </summary>
public static class TrainingRun
{
    public static IReadOnlyList<EpochMetrics> Execute(Module model, ModelDescription description, IImageDataset train, IImageDataset test,
        Augmentation trainAug, Augmentation testAug, TrainOptions options, string outDir, RunManifest manifest, bool json)
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
        var trainer = new ClassifierTrainer(model, options);
        var history = trainer.Run(train, test, trainAug, testAug, progress, m =>
        {
            log.Append(m);
            if (!json) Console.WriteLine($"epoch {m.Epoch}: loss {m.Loss:F4}  train {m.TrainAccuracy:P2}  test {m.TestAccuracy:P2}  ({m.Seconds:F0} s)");
        });
        ModelFile.Save(Path.Combine(outDir, "model.safetensors"), model, description);
        return history;
    }

    public static void PrintSummary(string outDir, IReadOnlyList<EpochMetrics> history, bool json)
    {
        var last = history[^1];
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                out_dir = outDir,
                epochs = history.Count,
                test_accuracy = last.TestAccuracy,
                train_accuracy = last.TrainAccuracy,
                loss = last.Loss,
                seconds = history.Sum(h => h.Seconds),
            }));
        else
            Console.WriteLine($"test accuracy {last.TestAccuracy:P2} after {history.Count} epochs; wrote {Path.Combine(outDir, "model.safetensors")}, metrics.jsonl, manifest.json");
    }
}

/// <summary>An IProgress that reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and reorder).</summary>
public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
