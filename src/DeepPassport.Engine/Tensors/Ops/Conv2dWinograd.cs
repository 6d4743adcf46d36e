using System.Numerics.Tensors;
using DeepPassport.Engine.Kernels;
using W = DeepPassport.Engine.Kernels.WinogradTransforms;

namespace DeepPassport.Engine.Tensors;

public static partial class F
{
    /// <summary>
    /// 3x3 stride-1 padding-1 convolution of even-sized images by Winograd F(2x2, 3x3) (<see cref="WinogradTransforms"/>):
    /// 2.25 times fewer multiplications than im2col. All three passes use it: the input gradient is the same product
    /// with the filters rotated by 180° and their channels swapped, and the weight gradient is the adjoint of the
    /// forward product, dU[ξ] = Σ_tiles V[ξ]ᵀ dM[ξ] with dM = A dY Aᵀ, taken back to 3x3 by dg = Gᵀ dU G.
    /// </summary>
    internal static Tensor Conv2dWinograd(Tensor x, Tensor weight, Tensor? bias, ConvGeometry g)
    {
        int n = x.Shape[0];
        var y = Tensor.Uninitialized(n, g.OutC, g.OutH, g.OutW);   // every plane is written by the output transform
        WinogradProduct(x.Data, n, g.InC, g.OutC, g.InH, g.InW, weight.Data, flipped: false, y.Data, bias?.Data);
        Tensor[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        return Tensor.Record(y, inputs, dy => Conv2dWinogradBackward(x, weight, bias, dy, g));
    }

    private static void Conv2dWinogradBackward(Tensor x, Tensor weight, Tensor? bias, Tensor dy, ConvGeometry g)
    {
        int n = x.Shape[0], h = g.InH, w = g.InW, tiles = h / 2 * (w / 2);
        if (x.RequiresGrad)
        {
            var dx = TensorScope.Rent(x.Size, clear: false);
            WinogradProduct(dy.Data, n, g.OutC, g.InC, h, w, weight.Data, flipped: true, dx, null);
            x.AccumulateGradOwned(dx);
        }
        if (weight.RequiresGrad)
        {
            // Each worker sums dU over its chunks; the sums are added and taken back to 3x3 at the end. V is transformed
            // again from x rather than kept from the forward pass: kept, it would hold 4x every layer's input until backward.
            var plan = new WinogradChunks(n, tiles);
            int workers = Parallelism.ChunkCount(plan.Count), uSize = W.Positions * g.OutC * g.InC;
            var du = new float[workers][];
            Parallelism.For(0, workers, t =>
            {
                var sum = du[t] = ArrayPoolF.Rent(uSize);
                sum.AsSpan(0, uSize).Clear();
                float[] scratch = ArrayPoolF.Rent(Math.Max(W.ScratchLength(g.InC, h, w), W.ScratchLength(g.OutC, h, w)));
                for (int c = t; c < plan.Count; c += workers)
                {
                    var (first, count) = plan.Range(c);
                    int cols = count * tiles;
                    float[] v = ArrayPoolF.Rent(W.Positions * g.InC * cols), dm = ArrayPoolF.Rent(W.Positions * g.OutC * cols);
                    for (int i = 0; i < count; i++)
                    {
                        W.Input(x.Data.AsSpan((first + i) * g.InSize, g.InSize), v, g.InC, h, w, cols, i * tiles, scratch);
                        W.OutputAdjoint(dy.Data.AsSpan((first + i) * g.OutSize, g.OutSize), dm, g.OutC, h, w, cols, i * tiles, scratch);
                    }
                    // dU[ξ] (Cin x Cout) += V[ξ]ᵀ dM[ξ]
                    for (int xi = 0; xi < W.Positions; xi++)
                        Gemm.Multiply(true, false, g.InC, g.OutC, cols, v.AsSpan(xi * g.InC * cols), dm.AsSpan(xi * g.OutC * cols),
                            sum.AsSpan(xi * g.OutC * g.InC, g.OutC * g.InC), true);
                    ArrayPoolF.Return(v);
                    ArrayPoolF.Return(dm);
                }
                ArrayPoolF.Return(scratch);
            });
            for (int t = 1; t < workers; t++)
            {
                TensorPrimitives.Add(du[0].AsSpan(0, uSize), du[t].AsSpan(0, uSize), du[0].AsSpan(0, uSize));
                ArrayPoolF.Return(du[t]);
            }
            var dw = TensorScope.Rent(weight.Size, clear: false);   // every entry written
            W.FilterAdjoint(du[0], dw, g.OutC, g.InC);
            ArrayPoolF.Return(du[0]);
            weight.AccumulateGradOwned(dw);
        }
        if (bias is not null && bias.RequiresGrad) bias.AccumulateGradOwned(BiasGradient(dy, n, g));
    }

    /// <summary>
    /// output [n, outC, H, W] = the 3x3 convolution of input [n, inC, H, W] with the filters of <paramref name="weight"/>
    /// (as stored, [outC, inC, 3, 3]; or, <paramref name="flipped"/>, the input-gradient filters of a [inC, outC, 3, 3]
    /// weight), plus bias. Chunks of images run in parallel: transform in, 16 GEMMs M[ξ] = V[ξ] U[ξ], transform out.
    /// </summary>
    private static void WinogradProduct(float[] input, int n, int inC, int outC, int h, int w, float[] weight, bool flipped, float[] output, float[]? bias)
    {
        int tiles = h / 2 * (w / 2), inSize = inC * h * w, outSize = outC * h * w, uSize = outC * inC;
        // U[ξ] is [inC, outC] of this product either way; flipped, the weight's own first axis is this product's inC.
        float[] u = ArrayPoolF.Rent(W.Positions * uSize);
        int weightOut = flipped ? inC : outC, weightIn = flipped ? outC : inC;
        W.Filter(weight, u, weightOut, weightIn, flipped);
        var plan = new WinogradChunks(n, tiles);
        Parallelism.For(0, plan.Count, c =>
        {
            var (first, count) = plan.Range(c);
            int cols = count * tiles;
            float[] v = ArrayPoolF.Rent(W.Positions * inC * cols), m = ArrayPoolF.Rent(W.Positions * outC * cols);
            float[] scratch = ArrayPoolF.Rent(Math.Max(W.ScratchLength(inC, h, w), W.ScratchLength(outC, h, w)));
            for (int i = 0; i < count; i++) W.Input(input.AsSpan((first + i) * inSize, inSize), v, inC, h, w, cols, i * tiles, scratch);
            for (int xi = 0; xi < W.Positions; xi++)
                Gemm.Multiply(false, false, cols, outC, inC, v.AsSpan(xi * inC * cols, inC * cols), u.AsSpan(xi * uSize, uSize), m.AsSpan(xi * outC * cols, outC * cols), false);
            for (int i = 0; i < count; i++) W.Output(m, output.AsSpan((first + i) * outSize, outSize), outC, h, w, cols, i * tiles, bias, scratch);
            ArrayPoolF.Return(v);
            ArrayPoolF.Return(m);
            ArrayPoolF.Return(scratch);
        });
        ArrayPoolF.Return(u);
    }
}

/// <summary>
/// Chunks of images for the Winograd products: enough images that each of the 16 GEMMs has at least
/// <see cref="TargetTiles"/> rows (tiles), at least one chunk per worker.
/// </summary>
internal readonly struct WinogradChunks
{
    private const int TargetTiles = 256;
    private readonly int _n, _perChunk;
    public int Count { get; }

    public WinogradChunks(int n, int tiles)
    {
        _n = n;
        int workers = Parallelism.ChunkCount(n);
        _perChunk = Math.Clamp((TargetTiles + tiles - 1) / tiles, 1, (n + workers - 1) / workers);
        Count = (n + _perChunk - 1) / _perChunk;
    }

    public (int First, int Count) Range(int chunk)
    {
        int first = chunk * _perChunk;
        return (first, Math.Min(_perChunk, _n - first));
    }
}
