using System.Numerics.Tensors;
using DeepPassport.Engine.Kernels;
using W = DeepPassport.Engine.Kernels.WinogradTransforms;

namespace DeepPassport.Engine.Tensors;

public static partial class F
{
    /// <summary>
    /// Same-size stride-1 convolution by a Winograd scheme (<see cref="ConvGeometry.Winograd"/> chooses it for Conv2d):
    /// F(2x2, 3x3), 2.25 times fewer multiplications than im2col; F(4x4, 3x3), 4 times fewer; F(2x2, 5x5), 2.8 times fewer;
    /// F(4x4, 5x5), 6.25 times fewer.
    /// The image sides must be multiples of the output tile.
    /// </summary>
    internal static Tensor Conv2dWinograd(Tensor x, Tensor weight, Tensor? bias, ConvGeometry g, WinogradKind kind, WinogradOrder order = WinogradOrder.Auto) => kind switch
    {
        WinogradKind.F2x3 => Conv2dWinograd<WinogradF2x3>(x, weight, bias, g, order),
        WinogradKind.F4x3 => Conv2dWinograd<WinogradF4x3>(x, weight, bias, g, order),
        WinogradKind.F2x5 => Conv2dWinograd<WinogradF2x5>(x, weight, bias, g, order),
        WinogradKind.F4x5 => Conv2dWinograd<WinogradF4x5>(x, weight, bias, g, order),
        _ => throw new ArgumentException($"no Winograd scheme {kind}", nameof(kind)),
    };

    /// <summary>
    /// The convolution by the Winograd scheme T (<see cref="WinogradTransforms"/>), in all three passes. The input
    /// gradient is the same product with the filters rotated by 180° and their channels swapped, and the weight gradient
    /// is the adjoint of the forward product, dU[ξ] = Σ_tiles V[ξ]ᵀ dM[ξ] with dM = A dY Aᵀ, taken back to r x r by
    /// dg = Gᵀ dU G.
    /// </summary>
    private static Tensor Conv2dWinograd<T>(Tensor x, Tensor weight, Tensor? bias, ConvGeometry g, WinogradOrder order) where T : IWinogradScheme
    {
        int n = x.Shape[0];
        var y = Tensor.Uninitialized(n, g.OutC, g.OutH, g.OutW);   // every plane is written by the output transform
        WinogradProduct<T>(x.Data, n, g.InC, g.OutC, g.InH, g.InW, weight.Data, flipped: false, y.Data, bias?.Data, order);
        Tensor[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        return Tensor.Record(y, inputs, dy => Conv2dWinogradBackward<T>(x, weight, bias, dy, g, order));
    }

    private static void Conv2dWinogradBackward<T>(Tensor x, Tensor weight, Tensor? bias, Tensor dy, ConvGeometry g, WinogradOrder order) where T : IWinogradScheme
    {
        int n = x.Shape[0], h = g.InH, w = g.InW;
        if (x.RequiresGrad)
        {
            var dx = TensorScope.Rent(x.Size, clear: false);
            WinogradProduct<T>(dy.Data, n, g.OutC, g.InC, h, w, weight.Data, flipped: true, dx, null, order);
            x.AccumulateGradOwned(dx);
        }
        if (weight.RequiresGrad) weight.AccumulateGradOwned(WinogradWeightGradient<T>(x, dy, g, order));
        if (bias is not null && bias.RequiresGrad) bias.AccumulateGradOwned(BiasGradient(dy, n, g));
    }

    /// <summary>
    /// dW by the adjoint of the scheme T's forward product: each worker sums dU[ξ] += V[ξ]ᵀ dM[ξ] over the chunks it
    /// takes; the sums are added and taken back to r x r at the end (small images: by position, one product a ξ over all
    /// tiles, <see cref="WinogradWeightGradientByPosition"/>). V is transformed again from x rather than kept from the
    /// forward pass: kept, it would hold α²/m² times every layer's input until backward.
    /// </summary>
    private static float[] WinogradWeightGradient<T>(Tensor x, Tensor dy, ConvGeometry g, WinogradOrder order) where T : IWinogradScheme
    {
        int n = x.Shape[0], h = g.InH, w = g.InW, tiles = W.Tiles<T>(h, w), positions = W.Positions<T>();
        var dw = TensorScope.Rent(g.OutC * g.InC * g.KH * g.KW, clear: false);   // every entry written
        if (WinogradByPosition(order, positions, n, tiles, Math.Max(g.InC, g.OutC)))
        {
            float[] sum = ArrayPoolF.Rent(positions * g.OutC * g.InC);   // every dU[ξ] stored by its product
            WinogradWeightGradientByPosition<T>(x, dy, g, sum);
            W.FilterAdjoint<T>(sum, dw, g.OutC, g.InC);
            ArrayPoolF.Return(sum);
            return dw;
        }
        var plan = new WinogradChunks(n, tiles);
        int workers = Parallelism.ChunkCount(plan.Count), uSize = positions * g.OutC * g.InC;
        // Each worker's sum and scratch, made when it takes its first chunk; the sums are added in worker order.
        var du = new float[workers][];
        var scratch = new float[workers][];
        var s0 = new int[workers];
        Parallelism.ForEachWorker(plan.Count, workers, (t, c) =>
        {
            if (du[t] is null)
            {
                du[t] = ArrayPoolF.Rent(uSize);
                du[t].AsSpan(0, uSize).Clear();
                // V, dM and the scratch start on 64-byte lines (ArrayPoolF.RentAligned), as every V[ξ] and dM[ξ] in them does.
                scratch[t] = ArrayPoolF.RentAligned(Math.Max(W.ScratchLength<T>(g.InC, h, w), W.ScratchLength<T>(g.OutC, h, w)), out s0[t]);
            }
            var (first, count) = plan.Range(c);
            int cols = count * tiles, vStep = W.PositionStride(g.InC, cols), mStep = W.PositionStride(g.OutC, cols);
            float[] v = ArrayPoolF.RentAligned(positions * vStep, out int v0), dm = ArrayPoolF.RentAligned(positions * mStep, out int m0);
            var work = scratch[t].AsSpan(s0[t]);
            for (int i = 0; i < count; i++)
            {
                W.Input<T>(x.Data.AsSpan((first + i) * g.InSize, g.InSize), v.AsSpan(v0), g.InC, h, w, cols, i * tiles, work);
                W.OutputAdjoint<T>(dy.Data.AsSpan((first + i) * g.OutSize, g.OutSize), dm.AsSpan(m0), g.OutC, h, w, cols, i * tiles, work);
            }
            // dU[ξ] (Cin x Cout) += V[ξ]ᵀ dM[ξ]
            for (int xi = 0; xi < positions; xi++)
                Gemm.Multiply(true, false, g.InC, g.OutC, cols, v.AsSpan(v0 + xi * vStep), dm.AsSpan(m0 + xi * mStep),
                    du[t].AsSpan(xi * g.OutC * g.InC, g.OutC * g.InC), true);
            ArrayPoolF.Return(v);
            ArrayPoolF.Return(dm);
        });
        float[] total = du.First(d => d is not null);
        for (int t = 0; t < workers; t++)
        {
            if (du[t] is null) continue;
            ArrayPoolF.Return(scratch[t]);
            if (du[t] == total) continue;
            TensorPrimitives.Add(total.AsSpan(0, uSize), du[t].AsSpan(0, uSize), total.AsSpan(0, uSize));
            ArrayPoolF.Return(du[t]);
        }
        W.FilterAdjoint<T>(total, dw, g.OutC, g.InC);
        ArrayPoolF.Return(total);
        return dw;
    }

    /// <summary>
    /// output [n, outC, H, W] = the r x r convolution of input [n, inC, H, W] with the filters of <paramref name="weight"/>
    /// (as stored, [outC, inC, r, r]; or, <paramref name="flipped"/>, the input-gradient filters of a [inC, outC, r, r]
    /// weight), plus bias. Chunks of images run in parallel: transform in, α² GEMMs M[ξ] = V[ξ] U[ξ], transform out.
    /// </summary>
    private static void WinogradProduct<T>(float[] input, int n, int inC, int outC, int h, int w, float[] weight, bool flipped, float[] output, float[]? bias, WinogradOrder order) where T : IWinogradScheme
    {
        int tiles = W.Tiles<T>(h, w), positions = W.Positions<T>(), inSize = inC * h * w, outSize = outC * h * w;
        // U[ξ] is [inC, outC] of this product either way; flipped, the weight's own first axis is this product's inC.
        // Every chunk (or position) multiplies by U[ξ] packed once, here, by the filter transform itself (alternated in one
        // process, packing U once a product rather than once a chunk: ResNet-18's 128-channel 16x16 layer 1.07x, 64-channel
        // 32x32 1.02x, the training steps 1.02x and 1.04x).
        using var u = new PackedB(Gemm.Best, inC, outC, positions);
        int weightOut = flipped ? inC : outC, weightIn = flipped ? outC : inC;
        W.Filter<T>(weight, u, weightOut, weightIn, flipped);
        if (WinogradByPosition(order, positions, n, tiles, Math.Max(inC, outC)))
        {
            WinogradProductByPosition<T>(input, n, inC, outC, h, w, u, output, bias);
            return;
        }
        var plan = new WinogradChunks(n, tiles);
        Parallelism.For(0, plan.Count, c =>
        {
            var (first, count) = plan.Range(c);
            int cols = count * tiles, vStep = W.PositionStride(inC, cols), mStep = W.PositionStride(outC, cols);
            // V, M and the scratch start on 64-byte lines (ArrayPoolF.RentAligned), as every V[ξ] and M[ξ] in them does.
            float[] v = ArrayPoolF.RentAligned(positions * vStep, out int v0), m = ArrayPoolF.RentAligned(positions * mStep, out int m0);
            float[] scratch = ArrayPoolF.RentAligned(Math.Max(W.ScratchLength<T>(inC, h, w), W.ScratchLength<T>(outC, h, w)), out int s0);
            for (int i = 0; i < count; i++) W.Input<T>(input.AsSpan((first + i) * inSize, inSize), v.AsSpan(v0), inC, h, w, cols, i * tiles, scratch.AsSpan(s0));
            for (int xi = 0; xi < positions; xi++)
                Gemm.Multiply(false, cols, v.AsSpan(v0 + xi * vStep, inC * cols), u, m.AsSpan(m0 + xi * mStep, outC * cols), false, xi);
            for (int i = 0; i < count; i++) W.Output<T>(m.AsSpan(m0), output.AsSpan((first + i) * outSize, outSize), outC, h, w, cols, i * tiles, bias, scratch.AsSpan(s0));
            ArrayPoolF.Return(v);
            ArrayPoolF.Return(m);
            ArrayPoolF.Return(scratch);
        });
    }
}

/// <summary>
/// Chunks of images for the Winograd products: enough images that each of the α² GEMMs has at least
/// <see cref="TargetTiles"/> rows (tiles), at least one chunk per worker. 128 tiles of 64 channels make a V of
/// 36 x 128 x 64 floats, 1.2 MB, about the L2 of one core, where 256 made 2.4 MB that the GEMMs read back from L3; smaller
/// chunks once cost a repacking of every U[ξ] each, and since U is packed once a product (PackedB) 128 wins: alternated in
/// one process against 256, ResNet-18's 128-channel 16x16 layer 1.13x (12 of 14 rounds), 64-channel 32x32 1.035x (13 of
/// 16), the ResNet-18 and AlexNet training steps 1.06x and 1.05x (9 of 14 each); 64 tiles, 1.04x at 32x32 (11 of 16).
/// </summary>
internal readonly struct WinogradChunks
{
    private const int TargetTiles = 128;
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
