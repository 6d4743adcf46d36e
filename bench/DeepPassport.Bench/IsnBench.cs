using System.Diagnostics;
using DeepPassport.Engine.Optim;
using DeepPassport.Engine.Tensors;
using DeepPassport.Stego;

namespace DeepPassport.Bench;

/// <summary>
/// One ISN training step as <c>isn train</c> runs it by default (4 blocks, 4 pairs of 32x32 images, the wrong-key
/// reveal, Adam), on random images: steps/s and GFLOPS by the convolutions' multiply-adds, with Winograd where the
/// engine chooses it and with im2col only. The ISN's convolutions are small (16x16 planes, 12-140 channels), so
/// where the time goes differs from the models' layers.
/// </summary>
public static class IsnBench
{
    public static void Run(int rounds)
    {
        const int blocks = 4, pairs = 4, size = 32;
        var rng = new Rng(1);
        var isn = new Isn(blocks, rng.Fork());
        var trainer = new IsnTrainer(new IsnTrainOptions { Blocks = blocks, Pairs = pairs, ImageSize = size });
        var adam = new Adam(isn.Parameters(), 1e-4f);
        Tensor Image() => Tensor.Rand(rng, 0, 1, pairs, 3, size, size);
        var (cover, secret, key, wrong) = (Image(), Image(), Image(), Image());
        // Forward: hide (1 pass), reveal with the key and with a wrong key (2); backward twice that.
        double gflop = 3 * 3 * pairs * ForwardFlopsPerImage(isn, size / 2) / 1e9;
        int Step()
        {
            using var scope = TensorScope.Begin();
            adam.ZeroGrad();
            trainer.Loss(isn, cover, secret, key, wrong).Backward();
            adam.Step();
            return 1;
        }
        int Steps() { for (int i = 0; i < 20; i++) Step(); return 20; }
        double winograd = Measure.MedianRate(rounds, Steps);
        double im2col;
        using (Im2ColOnly.Scope()) im2col = Measure.MedianRate(rounds, Steps);
        Console.WriteLine($"ISN step ({blocks} blocks, {pairs} pairs, {size}x{size}, {gflop:F1} GFLOP a step by the convolutions, {Engine.Kernels.Parallelism.Degree} threads)");
        Console.WriteLine($"  engine's choice   {winograd,6:F2} steps/s  {winograd * gflop,6:F1} GFLOPS");
        Console.WriteLine($"  im2col only       {im2col,6:F2} steps/s  {im2col * gflop,6:F1} GFLOPS");
        // What the trainer's undo costs each step: a copy of the weights and of Adam's moments before the update.
        var saved = new AdamState();
        int Saves()
        {
            for (int i = 0; i < 20; i++) adam.SaveState(saved);
            return 20;
        }
        double saves = Measure.MedianRate(rounds, Saves);
        Console.WriteLine($"  undo's copy       {1000 / saves,6:F2} ms a step ({100 * winograd / saves:F1} % of a step; {isn.Parameters().Sum(p => p.Value.Size) * 12 / 1e6:F1} MB)");
    }

    /// <summary>2·Cout·Cin·k·k multiply-adds per pixel of each convolution (every rank-4 weight of the ISN), on the DWT's plane x plane bands.</summary>
    private static double ForwardFlopsPerImage(Isn isn, int plane) =>
        isn.Parameters().Where(p => p.Shape.Length == 4).Sum(p => 2.0 * p.Size) * plane * plane;
}
