using BenchmarkDotNet.Attributes;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Kernels;

/// <summary>
/// Conv2d forward and forward + backward (input and weight gradients) at the layers of AlexNetCifar and ResNet18Cifar,
/// batch 64 as in training.
/// </summary>
public class ConvBenchmarks
{
    public record Layer(string Name, int Cin, int Cout, int Size, int Kernel, int Stride, int Padding)
    {
        public override string ToString() => $"{Name} {Cin}->{Cout} {Kernel}x{Kernel}/{Stride} @{Size}";
    }

    public static IEnumerable<Layer> Layers() =>
    [
        new("alexnet conv1", 3, 64, 32, 5, 1, 2),
        new("alexnet conv2", 64, 192, 16, 5, 1, 2),
        new("alexnet conv3", 192, 384, 8, 3, 1, 1),
        new("alexnet conv4", 384, 256, 8, 3, 1, 1),
        new("resnet layer1", 64, 64, 32, 3, 1, 1),
        new("resnet layer2 down", 64, 128, 32, 3, 2, 1),
        new("resnet shortcut", 64, 128, 32, 1, 2, 0),
        new("resnet layer3", 256, 256, 8, 3, 1, 1),
        new("resnet layer4", 512, 512, 4, 3, 1, 1),
    ];

    [ParamsSource(nameof(Layers))]
    public Layer L { get; set; } = Layers().First();

    private const int Batch = 64;
    private Tensor _x = null!, _w = null!, _dy = null!;

    [GlobalSetup]
    public void Setup() => (_x, _w, _dy) = Inputs(L, (x, w) => F.Conv2d(x, w, null, L.Stride, L.Padding));

    /// <summary>A batch of 64 inputs and the weights of <paramref name="layer"/> (both recording gradients), and an
    /// output gradient shaped like what <paramref name="conv"/> makes of them.</summary>
    internal static (Tensor X, Tensor W, Tensor Dy) Inputs(Layer layer, Func<Tensor, Tensor, Tensor> conv)
    {
        var rng = new Rng(2);
        var x = Tensor.Randn(rng, Batch, layer.Cin, layer.Size, layer.Size);
        x.RequiresGrad = true;
        var w = Tensor.Randn(rng, layer.Cout, layer.Cin, layer.Kernel, layer.Kernel);
        w.RequiresGrad = true;
        return (x, w, Tensor.Randn(rng, conv(x, w).Shape));
    }

    [Benchmark]
    public Tensor Forward()
    {
        using var _ = NoGrad.Scope();
        return F.Conv2d(_x, _w, null, L.Stride, L.Padding);
    }

    [Benchmark]
    public void ForwardBackward()
    {
        _x.Grad = null; _w.Grad = null;
        F.Conv2d(_x, _w, null, L.Stride, L.Padding).Backward(_dy);
    }
}
