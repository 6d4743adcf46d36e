using BenchmarkDotNet.Attributes;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Kernels;

/// <summary>
/// The 3x3 layers of AlexNetCifar and ResNet18Cifar by Winograd F(2x2, 3x3) and by im2col, batch 64: whether Winograd
/// pays, layer by layer (Conv2d takes Winograd where it does, <see cref="ConvGeometry.UsesWinograd"/>).
/// </summary>
public class WinogradBenchmarks
{
    public static IEnumerable<ConvBenchmarks.Layer> Layers() =>
    [
        new("alexnet conv3", 192, 384, 8, 3, 1, 1),
        new("alexnet conv4", 384, 256, 8, 3, 1, 1),
        new("resnet layer1", 64, 64, 32, 3, 1, 1),
        new("resnet layer3", 256, 256, 8, 3, 1, 1),
        new("resnet layer4", 512, 512, 4, 3, 1, 1),
    ];

    [ParamsSource(nameof(Layers))]
    public ConvBenchmarks.Layer L { get; set; } = Layers().First();

    [Params("winograd", "im2col")]
    public string Path { get; set; } = "winograd";

    private Tensor _x = null!, _w = null!, _dy = null!;
    private ConvGeometry _g;

    [GlobalSetup]
    public void Setup()
    {
        _g = new ConvGeometry(L.Cin, L.Size, L.Size, L.Cout, L.Kernel, L.Kernel, L.Stride, L.Padding);
        (_x, _w, _dy) = ConvBenchmarks.Inputs(L, Conv);
    }

    private Tensor Conv(Tensor x, Tensor w) => Path == "winograd" ? F.Conv2dWinograd(x, w, null, _g) : F.Conv2dIm2Col(x, w, null, _g);

    [Benchmark]
    public Tensor Forward()
    {
        using var _ = NoGrad.Scope();
        return Conv(_x, _w);
    }

    [Benchmark]
    public void ForwardBackward()
    {
        _x.Grad = null; _w.Grad = null;
        Conv(_x, _w).Backward(_dy);
    }
}
