using BenchmarkDotNet.Attributes;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Kernels;

/// <summary>
/// The 3x3 and 5x5 layers of AlexNetCifar and ResNet18Cifar by each Winograd scheme that fits them and by im2col,
/// batch 64: whether Winograd pays, layer by layer (Conv2d takes the scheme <see cref="ConvGeometry.Winograd"/> gives).
/// </summary>
public class WinogradBenchmarks
{
    /// <summary>One layer by one path: a Winograd scheme that fits its kernel and sides, or im2col.</summary>
    public record Case(ConvBenchmarks.Layer L, string Path)
    {
        public override string ToString() => $"{L} {Path}";
    }

    public static IEnumerable<Case> Cases()
    {
        var layers = ConvBenchmarks.Layers().Where(l => Geometry(l).Winograd != WinogradKind.None);
        foreach (var l in layers)
        {
            string[] schemes = l.Kernel == 5 ? ["F2x5"] : ["F2x3", "F4x3"];
            foreach (var path in schemes.Append("im2col")) yield return new Case(l, path);
        }
    }

    [ParamsSource(nameof(Cases))]
    public Case C { get; set; } = Cases().First();

    private Tensor _x = null!, _w = null!, _dy = null!;
    private ConvGeometry _g;

    [GlobalSetup]
    public void Setup()
    {
        _g = Geometry(C.L);
        (_x, _w, _dy) = ConvBenchmarks.Inputs(C.L, Conv);
    }

    private static ConvGeometry Geometry(ConvBenchmarks.Layer l) => new(l.Cin, l.Size, l.Size, l.Cout, l.Kernel, l.Kernel, l.Stride, l.Padding);

    private Tensor Conv(Tensor x, Tensor w) => C.Path == "im2col" ? F.Conv2dIm2Col(x, w, null, _g) : F.Conv2dWinograd(x, w, null, _g, Enum.Parse<WinogradKind>(C.Path));

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

    /// <summary>Forward and the input gradient alone (the weight not recording).</summary>
    [Benchmark]
    public void ForwardInputGradient() => BackwardOnly(_x, _w);

    /// <summary>Forward and the weight gradient alone (the input not recording).</summary>
    [Benchmark]
    public void ForwardWeightGradient() => BackwardOnly(_w, _x);

    private void BackwardOnly(Tensor wanted, Tensor other)
    {
        wanted.Grad = null;
        other.RequiresGrad = false;
        Conv(_x, _w).Backward(_dy);
        other.RequiresGrad = true;
    }
}
