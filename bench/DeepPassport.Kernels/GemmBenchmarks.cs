using BenchmarkDotNet.Attributes;
using DeepPassport.Engine.Kernels;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Kernels;

/// <summary>
/// C = A·B at the shapes the two models' convolutions hand the GEMM (one image: m = output channels, n = output
/// pixels, k = input channels x kernel area) and at 1024³; serial and on all threads. GFLOPS = 2mnk / time.
/// </summary>
public class GemmBenchmarks
{
    public record Shape(string Name, int M, int N, int K)
    {
        public override string ToString() => $"{Name} {M}x{N}x{K}";
    }

    public static IEnumerable<Shape> Shapes() =>
    [
        new("alexnet conv1", 64, 1024, 75),
        new("alexnet conv2", 192, 256, 1600),
        new("alexnet conv3", 384, 64, 1728),
        new("alexnet conv4", 256, 64, 3456),
        new("alexnet conv5", 256, 64, 2304),
        new("resnet layer1", 64, 1024, 576),
        new("resnet layer2", 128, 256, 1152),
        new("resnet layer3", 256, 64, 2304),
        new("resnet layer4", 512, 16, 4608),
        new("square", 1024, 1024, 1024),
    ];

    [ParamsSource(nameof(Shapes))]
    public Shape S { get; set; } = Shapes().First();

    [Params(false, true)]
    public bool Parallel { get; set; }

    private float[] _a = [], _b = [], _c = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(1);
        _a = Tensor.Randn(rng, S.M, S.K).Data.ToArray();
        _b = Tensor.Randn(rng, S.K, S.N).Data.ToArray();
        _c = new float[S.M * S.N];
    }

    [Benchmark]
    public void Multiply() => Gemm.Multiply(false, false, S.M, S.N, S.K, _a, _b, _c, accumulate: false, parallel: Parallel);
}
