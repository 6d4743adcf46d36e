using System.Diagnostics;
using DeepPassport.Benchmarks;
using DeepPassport.Engine.Kernels;
using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Optim;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;

namespace DeepPassport.Bench;

/// <summary>
/// Engine speed: images/s of one AlexNetCifar training step (forward, backward, SGD) at batch 64, the time of each
/// operator at that network's shapes, and GEMM GFLOPS. Medians over several rounds; the machine is shared.
/// </summary>
public static class EngineBench
{
    /// <summary>Runs the sections named in <paramref name="what"/> ("step,ops,layers,gemm" by default; also "gemm-pair", "layers=NAME").</summary>
    public static void Run(int rounds, string what = "step,ops,layers,gemm")
    {
        Console.WriteLine($"threads {Parallelism.Degree}, GEMM {Gemm.Best}");
        bool Has(string section) => what.Split(',').Any(w => w == section || w.StartsWith(section + "="));
        if (Has("step")) TrainStep(rounds);
        if (Has("ops")) Ops(rounds);
        if (Has("gemm")) GemmRate(rounds);
        if (Has("gemm-pair")) GemmPair(rounds);
        if (Has("layers")) Layers(rounds, what.Split("layers")[1] is ['=', .. var only] ? only.Split(',')[0] : "");
    }

    /// <summary>
    /// Each convolution shape of the two models alone, forward and backward (bench/reference/layers_torch.py times the
    /// same in PyTorch); "layers=down" only those whose name contains "down".
    /// </summary>
    private static void Layers(int rounds, string only)
    {
        var rng = new Rng(3);
        foreach (var (name, cin, cout, size, k, stride, pad) in ConvLayers.Where(l => l.Item1.Contains(only)))
        {
            var w = Param(rng, cout, cin, k, k);   // made once: drawing it is not part of the convolution
            Op(rounds, $"{name} {cin}->{cout} {k}x{k}/{stride} @{size}", [64, cin, size, size], t => F.Conv2d(t, w, null, stride, pad), w);
        }
    }

    /// <summary>The convolutions of AlexNetCifar and ResNet18Cifar: name, in and out channels, image side, kernel, stride, padding.</summary>
    private static readonly (string, int, int, int, int, int, int)[] ConvLayers =
    [
        ("alexnet conv1", 3, 64, 32, 5, 1, 2),
        ("alexnet conv2", 64, 192, 16, 5, 1, 2),
        ("alexnet conv3", 192, 384, 8, 3, 1, 1),
        ("alexnet conv4", 384, 256, 8, 3, 1, 1),
        ("alexnet conv5", 256, 256, 8, 3, 1, 1),
        ("resnet conv1", 3, 64, 32, 3, 1, 1),
        ("resnet layer1", 64, 64, 32, 3, 1, 1),
        ("resnet layer2 down", 64, 128, 32, 3, 2, 1),
        ("resnet layer2 short", 64, 128, 32, 1, 2, 0),
        ("resnet layer2", 128, 128, 16, 3, 1, 1),
        ("resnet layer3 down", 128, 256, 16, 3, 2, 1),
        ("resnet layer3 short", 128, 256, 16, 1, 2, 0),
        ("resnet layer3", 256, 256, 8, 3, 1, 1),
        ("resnet layer4 down", 256, 512, 8, 3, 2, 1),
        ("resnet layer4 short", 256, 512, 8, 1, 2, 0),
        ("resnet layer4", 512, 512, 4, 3, 1, 1),
    ];

    private static void TrainStep(int rounds)
    {
        const int batch = 64;
        var model = ModelFactory.Create("alexnet", 10, NormType.Bn, 1);
        var sgd = new Sgd(model.Parameters(), 0.01f, momentum: 0.9f, weightDecay: 5e-4f);
        var rng = new Rng(7);
        var x = Tensor.Randn(rng, batch, 3, 32, 32);
        var labels = Enumerable.Range(0, batch).Select(i => i % 10).ToArray();
        double fwd = 0, bwd = 0, opt = 0;
        int steps = 0;
        int Step()
        {
            var clock = Stopwatch.StartNew();
            using var scope = TensorScope.Begin();   // as the trainer does: pooled step storage
            sgd.ZeroGrad();
            var loss = F.CrossEntropy(model.Forward(x), labels);
            fwd += clock.Elapsed.TotalMilliseconds; clock.Restart();
            loss.Backward();
            bwd += clock.Elapsed.TotalMilliseconds; clock.Restart();
            sgd.Step();
            opt += clock.Elapsed.TotalMilliseconds;
            steps++;
            return batch;
        }
        Step(); fwd = bwd = opt = 0; steps = 0;
        int gen0 = GC.CollectionCount(0), gen2 = GC.CollectionCount(2);
        long bytes = GC.GetTotalAllocatedBytes(true);
        double rate = Measure.MedianRate(rounds, () => { Step(); Step(); return 2 * batch; });
        bytes = GC.GetTotalAllocatedBytes(true) - bytes;
        Console.WriteLine($"alexnet train step, batch {batch}: {rate:F1} images/s (median of {rounds}); per step " +
            $"forward {fwd / steps:F0} ms, backward {bwd / steps:F0} ms, sgd {opt / steps:F1} ms; " +
            $"{bytes / steps / 1e6:F0} MB allocated, gen0 {(GC.CollectionCount(0) - gen0) / (double)steps:F1}, gen2 {(GC.CollectionCount(2) - gen2) / (double)steps:F1} per step");
    }

    /// <summary>
    /// The other operators: training batch norm, alone and with its ReLU, at the shapes of both models (AlexNet's two,
    /// then ResNet-18's three after layer1's), ReLU and max pooling at AlexNet's. bench/reference/layers_torch.py times
    /// the batch norms in PyTorch too.
    /// </summary>
    private static void Ops(int rounds)
    {
        var rng = new Rng(3);
        foreach (var (c, side) in new[] { (64, 32), (192, 16), (128, 16), (256, 8), (512, 4) })
        {
            var (gamma, beta) = (Param(rng, c), Param(rng, c));
            Op(rounds, $"batchnorm {c} @{side}", [64, c, side, side], t => F.BatchNorm2d(t, gamma, beta, Tensor.Zeros(c), Tensor.Ones(c), true), gamma, beta);
            Op(rounds, $"batchnorm+relu {c} @{side}", [64, c, side, side], t => F.BatchNormRelu2d(t, gamma, beta, Tensor.Zeros(c), Tensor.Ones(c), true), gamma, beta);
        }
        foreach (var (c, side) in new[] { (64, 32), (192, 16) })
            Op(rounds, $"relu {c} @{side}", [64, c, side, side], t => t.Relu());
        Op(rounds, "maxpool 64 @32", [64, 64, 32, 32], t => F.MaxPool2d(t, 2, 2));
    }

    private static Tensor Param(Rng rng, params int[] shape)
    {
        var p = Tensor.Randn(rng, shape);
        p.RequiresGrad = true;
        return p;
    }

    /// <summary>
    /// Forward and backward times of <paramref name="op"/> on a random input, after a second of untimed rounds (the JIT's
    /// tiers settle in that time; without it a short run timed batch norm's forward at 4x its steady cost);
    /// <paramref name="parameters"/> get fresh gradients each round.
    /// </summary>
    private static void Op(int rounds, string name, int[] shape, Func<Tensor, Tensor> op, params Tensor[] parameters)
    {
        var rng = new Rng(5);
        var x = Tensor.Randn(rng, shape);
        x.RequiresGrad = true;
        var dy = Tensor.Randn(rng, op(x).Shape);
        (double Forward, double Backward) Round()
        {
            x.Grad = null;
            foreach (var p in parameters) p.Grad = null;
            // Pooled storage, as a training step has it (without it every output is a fresh, zeroed allocation).
            using var scope = TensorScope.Begin();
            var clock = Stopwatch.StartNew();
            var y = op(x);
            double tf = clock.Elapsed.TotalMilliseconds; clock.Restart();
            y.Backward(dy);
            return (tf, clock.Elapsed.TotalMilliseconds);
        }
        var warm = Stopwatch.StartNew();
        do Round(); while (warm.Elapsed.TotalSeconds < 1);
        var f = new List<double>(); var b = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            var (tf, tb) = Round();
            f.Add(tf); b.Add(tb);
        }
        f.Sort(); b.Sort();
        Console.WriteLine($"  {name,-24} forward {f[f.Count / 2],7:F2} ms  backward {b[b.Count / 2],7:F2} ms");
    }

    /// <summary>
    /// Is the parallel GEMM as good as two threads can be? Ten 1024³ products back to back, serial, then parallel, then
    /// two serial products at once (one per thread, nothing shared but the inputs), then the two-thread FMA roof: a
    /// parallel rate below the pair's would be lost to the split, one equal to it is what the host gives two threads then.
    /// </summary>
    private static void GemmPair(int rounds)
    {
        const int size = 1024, calls = 10;
        var rng = new Rng(9);
        var a = Tensor.Randn(rng, size, size).Data;
        var b = Tensor.Randn(rng, size, size).Data;
        float[][] c = [new float[size * size], new float[size * size]];
        double gflop = 2.0 * size * size * size / 1e9;
        double Rate(int products, Action run)
        {
            var clock = Stopwatch.StartNew();
            run();
            return products * gflop / clock.Elapsed.TotalSeconds;
        }
        void Products(int t, bool parallel)
        {
            for (int i = 0; i < calls; i++) Gemm.Multiply(false, false, size, size, size, a, b, c[t], accumulate: false, parallel);
        }
        Products(0, true);   // warm-up
        for (int r = 0; r < rounds; r++)
        {
            double serial = Rate(calls, () => Products(0, false));
            double parallel = Rate(calls, () => Products(0, true));
            double pair = Rate(2 * calls, () => Parallelism.For(0, 2, t => Products(t, false)));
            Console.WriteLine($"  gemm 1024^3 x{calls}: serial {serial:F0}, parallel {parallel:F0}, two serial at once {pair:F0} GFLOPS; FMA roof (2 threads) {FmaPeak.Once(true):F0}");
        }
    }

    private static void GemmRate(int rounds)
    {
        // The same measurement as `deeppassport bench` (warm-up, median, the FMA roof beside it), at two sizes, serial and parallel.
        foreach (int size in new[] { 512, 1024 })
            foreach (bool parallel in new[] { false, true })
            {
                var (gemm, peak) = SpeedBench.GemmGflops(size, parallel, rounds, seed: 9);
                Console.WriteLine($"  gemm {size}^3 {(parallel ? "parallel" : "serial  ")}: {gemm:F0} GFLOPS, {gemm / peak:P0} of the FMA peak {peak:F0}");
            }
    }
}
