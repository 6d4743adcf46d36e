using System.Diagnostics;
using DeepPassport.Engine.Kernels;
using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Optim;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;

namespace DeepPassport.Benchmarks;

/// <summary>
/// End-to-end engine speed for `deeppassport bench`: a CIFAR training step (forward, cross-entropy, backward, SGD with
/// momentum and weight decay, as the trainer does it) and an inference batch, on random normalised-looking input
/// (data loading is not what is measured), plus the rate of the GEMM every convolution and linear layer runs on.
/// Each figure is the median of <see cref="BenchSettings.Rounds"/> timed repetitions after one untimed repetition
/// (JIT tiering, first-touch of buffers, pools filling up).
/// </summary>
public static class SpeedBench
{
    /// <summary>Training and inference speed of <paramref name="arch"/> ("alexnet" or "resnet18"), 10 classes, batch norm.</summary>
    public static ModelSpeed Model(string arch, BenchSettings s)
    {
        var model = ModelFactory.Create(arch, 10, NormType.Bn, s.Seed);
        var rng = new Rng(s.Seed + 1);
        // The peak of training alone: the process's peak is reset first (the previous model's and the GEMM's are not this one's).
        bool reset = ResetPeakWorkingSet();
        var (stepMs, allocPerStep) = Train(model, rng, s);
        long? trainPeak = reset ? PeakWorkingSet() : null;
        // The peak of inference alone, as `eval` and `verify` run it: the training step's pooled arrays are let go
        // first (kept, they sat under the inference batch's and made ResNet-18's the process's peak).
        TensorScope.TrimPool(returnToSystem: true);
        reset = ResetPeakWorkingSet();
        double inferMs = Infer(model, rng, s);
        long? inferPeak = reset ? PeakWorkingSet() : null;
        // The next model starts from a clean slate, as a program that trains one model does.
        TensorScope.TrimPool(returnToSystem: true);
        return new ModelSpeed(arch, s.TrainBatch / (stepMs / 1000), s.InferBatch / (inferMs / 1000), allocPerStep, stepMs, trainPeak, inferPeak);
    }

    /// <summary>Median milliseconds of one training step, and managed bytes allocated per step over the timed repetitions.</summary>
    private static (double StepMs, long AllocPerStep) Train(Module model, Rng rng, BenchSettings s)
    {
        model.Train();
        // The trainer's defaults (TrainOptions), written out because bench_torch.py must use the very same numbers.
        var sgd = new Sgd(model.Parameters(), 0.01f, momentum: 0.9f, weightDecay: 5e-4f);
        var x = Tensor.Randn(rng, s.TrainBatch, 3, 32, 32);
        var labels = Enumerable.Range(0, s.TrainBatch).Select(_ => rng.NextInt(10)).ToArray();
        void Step()
        {
            using var scope = TensorScope.Begin();
            sgd.ZeroGrad();
            var loss = F.CrossEntropy(model.Forward(x), labels);
            loss.Backward();
            sgd.Step();
        }
        WarmUp(s.Steps, Step);
        // Precise totals over all threads: the kernels allocate on pool threads too, which the per-thread counter misses.
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var times = Enumerable.Range(0, s.Rounds).Select(_ => Repeat(s.Steps, Step) / s.Steps).ToList();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        return (Median(times), allocated / ((long)s.Rounds * s.Steps));
    }

    /// <summary>Median milliseconds of one inference batch in eval mode without recording gradients.</summary>
    private static double Infer(Module model, Rng rng, BenchSettings s)
    {
        model.Eval();
        var x = Tensor.Randn(rng, s.InferBatch, 3, 32, 32);
        using (NoGrad.Scope())
        {
            void Batch()
            {
                using var scope = TensorScope.Begin();
                model.Forward(x);
            }
            WarmUp(s.Steps, Batch);
            return Median(Enumerable.Range(0, s.Rounds).Select(_ => Repeat(s.Steps, Batch) / s.Steps).ToList());
        }
    }

    /// <summary>
    /// GFLOPS of C = A B at m = n = k = <paramref name="size"/> (2 size^3 flops per call), median of
    /// <paramref name="rounds"/> calls (at least 5) after three untimed ones, which let the kernels reach their final
    /// (tier-1) code; parallel uses <see cref="Parallelism.Degree"/> threads. Beside it, the machine's
    /// <see cref="FmaPeak"/> on as many threads, one probe after each GEMM call, so that the two medians see the same
    /// moments of a shared host and their ratio is the GEMM's efficiency.
    /// </summary>
    public static (double Gemm, double FmaPeak) GemmGflops(int size, bool parallel, int rounds, ulong seed = 1)
    {
        var rng = new Rng(seed);
        var a = Tensor.Randn(rng, size, size);
        var b = Tensor.Randn(rng, size, size);
        var c = new float[size * size];
        void Call() => Gemm.Multiply(false, false, size, size, size, a.Data, b.Data, c, accumulate: false, parallel);
        Repeat(3, Call);
        FmaPeak.Once(parallel);
        var seconds = new List<double>();
        var peaks = new List<double>();
        for (int r = 0; r < Math.Max(rounds, 5); r++)
        {
            seconds.Add(Repeat(1, Call) / 1000);
            peaks.Add(FmaPeak.Once(parallel));
        }
        return (2.0 * size * size * size / Median(seconds) / 1e9, Median(peaks));
    }

    /// <summary>Peak resident memory of this process so far (or since <see cref="ResetPeakWorkingSet"/>), in bytes (VmHWM on Linux).</summary>
    public static long PeakWorkingSet()
    {
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }

    /// <summary>
    /// Sets the peak resident memory back to the current one (Linux: "5" written to /proc/self/clear_refs, the same
    /// file bench_torch.py writes); false where that is not possible.
    /// </summary>
    public static bool ResetPeakWorkingSet()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException) { return false; }
    }

    /// <summary>Untimed steps before the timed ones: at least a repetition and at least this long.</summary>
    public const double WarmUpSeconds = 3;

    /// <summary>
    /// Runs <paramref name="work"/> untimed, repetitions of <paramref name="steps"/> calls until <see cref="WarmUpSeconds"/>
    /// have passed: the operators' loops start in the JIT's quick tier and are recompiled optimised after some 30 calls
    /// on a background thread, and one repetition of 3 steps measured AlexNet training at 100 images/s where it runs at
    /// 149 once recompiled. A training run is thousands of steps, so the steady state is what is reported.
    /// </summary>
    private static void WarmUp(int steps, Action work)
    {
        var clock = Stopwatch.StartNew();
        do Repeat(steps, work); while (clock.Elapsed.TotalSeconds < WarmUpSeconds);
    }

    /// <summary>Milliseconds taken by <paramref name="times"/> calls of <paramref name="work"/>.</summary>
    private static double Repeat(int times, Action work)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < times; i++) work();
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>The middle value, or the mean of the two middle ones (as Python's statistics.median, used by the PyTorch twin).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("No values to take the median of.", nameof(values));
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
