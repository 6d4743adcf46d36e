using System.Diagnostics;
using System.Reflection;
using DeepPassport.Engine.Kernels;
using DeepPassport.Engine.Optim;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;
using DeepPassport.Stego;

namespace DeepPassport.Ab.Probe;

/// <summary>
/// One piece of work the A/B runner (bench/DeepPassport.Ab) times in two builds side by side. Only public API is used,
/// so the probe built from this tree also runs against an older build's engine.
/// </summary>
public static class AbProbe
{
    private static Action? _run;

    /// <summary>
    /// Prepares <paramref name="what"/>: "step:resnet18" or "step:alexnet" (a training step, batch 64), "infer:resnet18"
    /// (batch 256), "isn" (an ISN training step as <c>DeepPassport.Bench isn</c>), "conv:cin,cout,side,k,stride,pad" (a
    /// convolution of a batch of 64, forward and backward), "convf:…" (forward only), "bn:c,side" or "bnrelu:c,side"
    /// (training batch norm, alone or with its ReLU, of a batch of 64, forward and backward), "gemm:m,n,k,transA,transB"
    /// (one thread) or "pgemm:…" (split between the threads), "halves:m,n,k" or "quarters:m,n,k" (the product as 2 or 4
    /// serial products of row slices, taken by 2 workers: what two threads do with nothing shared, the yardstick of the
    /// split). Every piece of work that makes tensors runs in a <see cref="TensorScope"/>, as a training step does.
    /// <paramref name="knob"/> "Type.Field=value" first sets an internal static field of the engine (a trial setting;
    /// Type in DeepPassport.Engine.Kernels, or DeepPassport.Engine.Tensors when named so).
    /// </summary>
    public static void Setup(string what, int threads, string knob)
    {
        Parallelism.Degree = threads;
        if (knob.Length > 0) SetKnob(knob);
        var rng = new Rng(3);
        string[] parts = what.Split(':');
        int[] a = parts.Length > 1 && parts[1].Contains(',') ? parts[1].Split(',').Select(int.Parse).ToArray() : [];
        _run = parts[0] switch
        {
            "step" => TrainStep(parts[1], rng),
            "infer" => Inference(parts[1], rng),
            "isn" => IsnStep(rng),
            "conv" or "convf" => Convolution(a, parts[0] == "convf", rng),
            "bn" or "bnrelu" => BatchNorm(a, parts[0] == "bnrelu", rng),
            "gemm" or "pgemm" => Product(a, parts[0] == "pgemm", rng),
            "halves" => Halves(a, 2, rng),
            "quarters" => Halves(a, 4, rng),
            _ => throw new ArgumentException($"ab: unknown work '{what}'."),
        };
    }

    /// <summary>Milliseconds a run, over <paramref name="reps"/> runs.</summary>
    public static double Time(int reps)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < reps; i++) _run!();
        return clock.Elapsed.TotalMilliseconds / reps;
    }

    private static Action TrainStep(string arch, Rng rng)
    {
        const int batch = 64;
        var model = ModelFactory.Create(arch, 10, NormType.Bn, 1);
        var sgd = new Sgd(model.Parameters(), 0.01f, momentum: 0.9f, weightDecay: 5e-4f);
        var x = Tensor.Randn(rng, batch, 3, 32, 32);
        int[] labels = Enumerable.Range(0, batch).Select(i => i % 10).ToArray();
        return () =>
        {
            using var scope = TensorScope.Begin();
            sgd.ZeroGrad();
            F.CrossEntropy(model.Forward(x), labels).Backward();
            sgd.Step();
        };
    }

    private static Action Inference(string arch, Rng rng)
    {
        var model = ModelFactory.Create(arch, 10, NormType.Bn, 1);
        model.Eval();
        var x = Tensor.Randn(rng, 256, 3, 32, 32);
        return () =>
        {
            using var scope = TensorScope.Begin();
            using var noGrad = NoGrad.Scope();
            model.Forward(x);
        };
    }

    private static Action IsnStep(Rng rng)
    {
        const int blocks = 4, pairs = 4, size = 32;
        var isn = new Isn(blocks, rng.Fork());
        var trainer = new IsnTrainer(new IsnTrainOptions { Blocks = blocks, Pairs = pairs, ImageSize = size });
        var adam = new Adam(isn.Parameters(), 1e-4f);
        Tensor Image() => Tensor.Rand(rng, 0, 1, pairs, 3, size, size);
        var (cover, secret, key, wrong) = (Image(), Image(), Image(), Image());
        return () =>
        {
            using var scope = TensorScope.Begin();
            adam.ZeroGrad();
            trainer.Loss(isn, cover, secret, key, wrong).Backward();
            adam.Step();
        };
    }

    private static Action Convolution(int[] a, bool forwardOnly, Rng rng)
    {
        if (a.Length != 6) throw new ArgumentException("ab: conv wants cin,cout,side,k,stride,pad.");
        var w = Tensor.Randn(rng, a[1], a[0], a[3], a[3]);
        var x = Tensor.Randn(rng, 64, a[0], a[2], a[2]);
        w.RequiresGrad = x.RequiresGrad = true;
        var dy = Tensor.Randn(rng, F.Conv2d(x, w, null, a[4], a[5]).Shape);
        if (forwardOnly) return () => { using var scope = TensorScope.Begin(); F.Conv2d(x, w, null, a[4], a[5]); };
        return () => { x.Grad = null; w.Grad = null; using var scope = TensorScope.Begin(); F.Conv2d(x, w, null, a[4], a[5]).Backward(dy); };
    }

    private static Action BatchNorm(int[] a, bool relu, Rng rng)
    {
        if (a.Length != 2) throw new ArgumentException("ab: bn wants c,side.");
        int c = a[0];
        var x = Tensor.Randn(rng, 64, c, a[1], a[1]);
        var (gamma, beta, mean, var) = (Tensor.Randn(rng, c), Tensor.Randn(rng, c), Tensor.Zeros(c), Tensor.Ones(c));
        x.RequiresGrad = gamma.RequiresGrad = beta.RequiresGrad = true;
        var dy = Tensor.Randn(rng, x.Shape);
        return () =>
        {
            x.Grad = gamma.Grad = beta.Grad = null;
            using var scope = TensorScope.Begin();
            (relu ? F.BatchNormRelu2d(x, gamma, beta, mean, var, true) : F.BatchNorm2d(x, gamma, beta, mean, var, true)).Backward(dy);
        };
    }

    private static Action Product(int[] a, bool parallel, Rng rng)
    {
        if (a.Length != 5) throw new ArgumentException("ab: gemm wants m,n,k,transA,transB.");
        int m = a[0], n = a[1], k = a[2];
        float[] left = Tensor.Randn(rng, m * k).Data, right = Tensor.Randn(rng, k * n).Data, c = new float[m * n];
        return () => Gemm.Multiply(a[3] != 0, a[4] != 0, m, n, k, left, right, c, false, parallel);
    }

    private static Action Halves(int[] a, int pieces, Rng rng)
    {
        if (a.Length != 3 || a[0] % pieces != 0) throw new ArgumentException($"ab: halves / quarters want m,n,k with m a multiple of {pieces}.");
        int m = a[0], n = a[1], k = a[2], h = m / pieces;
        float[] left = Tensor.Randn(rng, m * k).Data, right = Tensor.Randn(rng, k * n).Data, c = new float[m * n];
        return () => Parallelism.ForEachWorker(pieces, 2, (_, t) => Gemm.Multiply(false, false, h, n, k, left.AsSpan(t * h * k), right, c.AsSpan(t * h * n), false, false));
    }

    private static void SetKnob(string knob)
    {
        string[] nameValue = knob.Split('=');
        string[] typeField = nameValue[0].Split('.');
        if (nameValue.Length != 2 || typeField.Length != 2) throw new ArgumentException($"ab: knob '{knob}' is not Type.Field=value.");
        var engine = typeof(Parallelism).Assembly;
        var type = engine.GetType("DeepPassport.Engine.Kernels." + typeField[0]) ?? engine.GetType("DeepPassport.Engine.Tensors." + typeField[0])
            ?? throw new ArgumentException($"ab: knob '{knob}': no engine type {typeField[0]}.");
        var field = type.GetField(typeField[1], BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
            ?? throw new ArgumentException($"ab: knob '{knob}': no static field {typeField[1]} (a const cannot be set; make it a static field for the trial).");
        int value = int.Parse(nameValue[1]);
        field.SetValue(null, field.FieldType == typeof(bool) ? value != 0 : value);
    }
}
