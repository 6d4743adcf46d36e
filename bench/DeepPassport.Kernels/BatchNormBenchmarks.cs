using BenchmarkDotNet.Attributes;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Kernels;

/// <summary>Batch norm (training mode: batch statistics, running averages updated) forward and forward + backward, batch 64.</summary>
public class BatchNormBenchmarks
{
    [Params(64, 192)]
    public int Channels { get; set; }

    private Tensor _x = null!, _gamma = null!, _beta = null!, _dy = null!;
    private int Size => Channels == 64 ? 32 : 16;   // AlexNet's first two layers

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(3);
        _x = Tensor.Randn(rng, 64, Channels, Size, Size);
        _x.RequiresGrad = true;
        _gamma = Tensor.Ones(Channels); _gamma.RequiresGrad = true;
        _beta = Tensor.Zeros(Channels); _beta.RequiresGrad = true;
        _dy = Tensor.Randn(rng, _x.Shape);
    }

    private Tensor Run() => F.BatchNorm2d(_x, _gamma, _beta, Tensor.Zeros(Channels), Tensor.Ones(Channels), true);

    [Benchmark]
    public Tensor Forward()
    {
        using var _ = NoGrad.Scope();
        return Run();
    }

    [Benchmark]
    public void ForwardBackward()
    {
        _x.Grad = null; _gamma.Grad = null; _beta.Grad = null;
        Run().Backward(_dy);
    }
}
