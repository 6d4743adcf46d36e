using System.Text.Json;
using DeepPassport.Benchmarks;
using DeepPassport.Engine.Kernels;
using DeepPassport.Models;

namespace DeepPassport.Cli.Commands;

/// <summary>
/// `deeppassport bench`: end-to-end engine speed (training and inference images/s of AlexNetCifar and ResNet18Cifar,
/// allocation per step, GEMM GFLOPS, peak memory). bench/reference/bench_torch.py prints the same JSON for PyTorch and
/// bench/reference/compare.py sets the two side by side.
/// </summary>
public static class BenchCommand
{
    public static int Run(Options o)
    {
        var models = ParseModels(o.String("models", string.Join(",", ModelFactory.Architectures)));
        var s = new BenchSettings(
            Rounds: o.Int("rounds", 5, min: 1, max: 1000),
            Steps: o.Int("steps", 10, min: 1, max: 100_000),
            TrainBatch: o.Int("batch-size", 64, min: 1, max: 4096),
            InferBatch: o.Int("infer-batch-size", 256, min: 1, max: 4096),
            // Small sizes only keep tests quick; the figure to compare with PyTorch is the default 1024.
            GemmSize: o.Int("gemm-size", 1024, min: 1, max: 8192),
            Seed: (ulong)o.Int("seed", 1, min: 0));
        bool json = o.Flag("json");
        o.EnsureAllUsed();

        // Progress goes to stderr so that stdout stays one JSON document (compare.py parses it).
        void Say(string what) => Console.Error.WriteLine($"bench: {what}");
        var speeds = new List<ModelSpeed>();
        foreach (var arch in models)
        {
            Say($"{arch}: train batch {s.TrainBatch}, infer batch {s.InferBatch}, {s.Rounds} rounds x {s.Steps} steps");
            speeds.Add(SpeedBench.Model(arch, s));
        }
        Say($"gemm {s.GemmSize}^3");
        var (gemm, fma) = SpeedBench.GemmGflops(s.GemmSize, parallel: true, s.Rounds, s.Seed);
        var (gemm1, fma1) = SpeedBench.GemmGflops(s.GemmSize, parallel: false, s.Rounds, s.Seed);
        long peak = SpeedBench.PeakWorkingSet();

        if (json) PrintJson(speeds, new Gflops(gemm, gemm1), new Gflops(fma, fma1), peak);
        else PrintTable(speeds, new Gflops(gemm, gemm1), new Gflops(fma, fma1), peak, s);
        return 0;
    }

    /// <summary>Comma-separated architecture names, each known and given once.</summary>
    private static List<string> ParseModels(string value)
    {
        var names = value.Split(',', StringSplitOptions.TrimEntries).ToList();
        foreach (var n in names)
            if (!ModelFactory.Architectures.Contains(n))
                throw new UsageException($"bench: option --models takes a comma-separated list of {string.Join(", ", ModelFactory.Architectures)}, got '{value}'.");
        if (names.Distinct().Count() != names.Count) throw new UsageException($"bench: option --models names a model twice: '{value}'.");
        return names;
    }

    // The keys are a contract with bench_torch.py and compare.py: change all three together.
    /// <summary>A rate on all the worker threads and on one.</summary>
    private readonly record struct Gflops(double Threads, double OneThread);

    private static void PrintJson(List<ModelSpeed> speeds, Gflops gemm, Gflops fma, long peak) =>
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            models = speeds.Select(m => new
            {
                model = m.Model,
                train_images_per_s = m.TrainImagesPerSecond,
                infer_images_per_s = m.InferImagesPerSecond,
                alloc_bytes_per_step = m.AllocBytesPerStep,
                train_step_ms_median = m.TrainStepMsMedian,
                train_peak_working_set_bytes = m.TrainPeakWorkingSet,
                infer_peak_working_set_bytes = m.InferPeakWorkingSet,
            }),
            gemm_gflops = gemm.Threads,
            gemm_gflops_1thread = gemm.OneThread,
            fma_peak_gflops = fma.Threads,
            fma_peak_gflops_1thread = fma.OneThread,
            peak_working_set_bytes = peak,
            threads = Parallelism.Degree,
            gemm_kernel = Gemm.Best.ToString(),
        }));

    private static void PrintTable(List<ModelSpeed> speeds, Gflops gemm, Gflops fma, long peak, BenchSettings s)
    {
        string threads = Parallelism.Degree == 1 ? "1 thread" : $"{Parallelism.Degree} threads";
        Console.WriteLine($"deeppassport bench: {threads}, GEMM kernel {Gemm.Best}, median of {s.Rounds} rounds x {s.Steps} steps");
        Console.WriteLine($"{"model",-10} {"train img/s",12} {"step ms",9} {"infer img/s",12} {"MB alloc/step",14} {"train peak MB",14} {"infer peak MB",14}");
        static string Mb(long? bytes) => bytes is { } b ? (b / 1e6).ToString("F0") : "n/a";
        foreach (var m in speeds)
            Console.WriteLine($"{m.Model,-10} {m.TrainImagesPerSecond,12:F1} {m.TrainStepMsMedian,9:F1} {m.InferImagesPerSecond,12:F1} {m.AllocBytesPerStep / 1e6,14:F1} " +
                $"{Mb(m.TrainPeakWorkingSet),14} {Mb(m.InferPeakWorkingSet),14}");
        Console.WriteLine($"GEMM {s.GemmSize}^3: {gemm.Threads:F1} GFLOPS ({threads}), {gemm.OneThread:F1} GFLOPS (1 thread)");
        Console.WriteLine($"FMA peak (registers only): {fma.Threads:F1} GFLOPS ({threads}), {fma.OneThread:F1} GFLOPS (1 thread); " +
            $"the GEMM reaches {gemm.Threads / fma.Threads:P0} and {gemm.OneThread / fma.OneThread:P0} of it");
        Console.WriteLine($"peak working set: {peak / 1e6:F0} MB (whole run; train and infer peak: each alone, the peak reset before it)");
        Console.WriteLine($"(train batch {s.TrainBatch}, infer batch {s.InferBatch})");
    }
}
