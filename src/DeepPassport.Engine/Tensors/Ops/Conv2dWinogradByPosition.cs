using DeepPassport.Engine.Kernels;
using W = DeepPassport.Engine.Kernels.WinogradTransforms;

namespace DeepPassport.Engine.Tensors;

public static partial class F
{
    /// <summary>
    /// Whether a Winograd product over the whole batch runs position by position (<see cref="WinogradProductByPosition"/>)
    /// rather than in chunks of images: when the batch's transformed tiles, α² x tiles x channels, fit
    /// <see cref="PositionBudget"/> floats. Small images come in few chunks (ResNet-18's 8x8 and 4x4 layers in two, one a
    /// thread), so a thread the host slows held the other up, every chunk packed all of U again, and the weight gradient
    /// summed one dU per thread at the end; by position the α² GEMMs are as many tasks, each U[ξ] is packed once and
    /// each dU[ξ] is one product over all tiles.
    /// <para>Alternated in one process: ResNet-18's 256-channel 8x8 convolution 1.33x, its 512-channel 4x4 one 1.35x (forward
    /// and backward), the training step 1.07x (every round faster), AlexNet's 1.08x. Larger images keep their chunks:
    /// by position the 128-channel 16x16 convolution was level (1.01) and the 64-channel 32x32 one slower (0.84), its
    /// 38 MB of V no longer in cache.</para>
    /// </summary>
    private static bool WinogradByPosition(WinogradOrder order, int positions, int n, int tiles, int channels) => order switch
    {
        WinogradOrder.ByChunk => false,
        WinogradOrder.ByPosition => true,
        _ => (long)positions * n * tiles * channels <= PositionBudget,
    };

    private const long PositionBudget = 1 << 22;   // 16 MB of V or M

    /// <summary>
    /// <see cref="WinogradProduct"/> for the whole batch at once: every image's tiles transformed (images in parallel),
    /// then M[ξ] = V[ξ] U[ξ] for each position ξ (positions in parallel), then every image's output.
    /// </summary>
    private static void WinogradProductByPosition<T>(float[] input, int n, int inC, int outC, int h, int w, PackedB u, float[] output, float[]? bias) where T : IWinogradScheme
    {
        int tiles = W.Tiles<T>(h, w), cols = n * tiles, positions = W.Positions<T>(), inSize = inC * h * w, outSize = outC * h * w;
        int vStep = W.PositionStride(inC, cols), mStep = W.PositionStride(outC, cols);
        float[] v = ArrayPoolF.RentAligned(positions * vStep, out int v0), m = ArrayPoolF.RentAligned(positions * mStep, out int m0);
        EachImage(n, W.ScratchLength<T>(inC, h, w), (i, scratch) => W.Input<T>(input.AsSpan(i * inSize, inSize), v.AsSpan(v0), inC, h, w, cols, i * tiles, scratch));
        Parallelism.For(0, positions, xi =>
            Gemm.Multiply(false, cols, v.AsSpan(v0 + xi * vStep, inC * cols), u, m.AsSpan(m0 + xi * mStep, outC * cols), false, xi));
        ArrayPoolF.Return(v);
        EachImage(n, W.ScratchLength<T>(outC, h, w), (i, scratch) => W.Output<T>(m.AsSpan(m0), output.AsSpan(i * outSize, outSize), outC, h, w, cols, i * tiles, bias, scratch));
        ArrayPoolF.Return(m);
    }

    /// <summary>
    /// <see cref="WinogradWeightGradient"/> for the whole batch at once: V from x and dM = A dY Aᵀ for every image (images
    /// in parallel), then dU[ξ] = V[ξ]ᵀ dM[ξ] over all tiles for each position (positions in parallel) into <paramref name="du"/>.
    /// </summary>
    private static void WinogradWeightGradientByPosition<T>(Tensor x, Tensor dy, ConvGeometry g, float[] du) where T : IWinogradScheme
    {
        int n = x.Shape[0], h = g.InH, w = g.InW, tiles = W.Tiles<T>(h, w), cols = n * tiles, positions = W.Positions<T>();
        int vStep = W.PositionStride(g.InC, cols), mStep = W.PositionStride(g.OutC, cols), uSize = g.InC * g.OutC;
        float[] v = ArrayPoolF.RentAligned(positions * vStep, out int v0), dm = ArrayPoolF.RentAligned(positions * mStep, out int m0);
        EachImage(n, Math.Max(W.ScratchLength<T>(g.InC, h, w), W.ScratchLength<T>(g.OutC, h, w)), (i, scratch) =>
        {
            W.Input<T>(x.Data.AsSpan(i * g.InSize, g.InSize), v.AsSpan(v0), g.InC, h, w, cols, i * tiles, scratch);
            W.OutputAdjoint<T>(dy.Data.AsSpan(i * g.OutSize, g.OutSize), dm.AsSpan(m0), g.OutC, h, w, cols, i * tiles, scratch);
        });
        // dU[ξ] (Cin x Cout) = V[ξ]ᵀ dM[ξ]
        Parallelism.For(0, positions, xi =>
            Gemm.Multiply(true, false, g.InC, g.OutC, cols, v.AsSpan(v0 + xi * vStep), dm.AsSpan(m0 + xi * mStep), du.AsSpan(xi * uSize, uSize), false));
        ArrayPoolF.Return(v);
        ArrayPoolF.Return(dm);
    }

    /// <summary>
    /// body(i, scratch) for every image i, images in parallel; scratch is the worker's own 64-byte aligned buffer of the
    /// given length, rented when it takes its first image (not once an image).
    /// </summary>
    private static void EachImage(int n, int scratchLength, Action<int, Span<float>> body)
    {
        int workers = Parallelism.ChunkCount(n);
        var scratch = new float[workers][];
        var start = new int[workers];
        Parallelism.ForEachWorker(n, workers, (t, i) =>
        {
            scratch[t] ??= ArrayPoolF.RentAligned(scratchLength, out start[t]);
            body(i, scratch[t].AsSpan(start[t]));
        });
        foreach (var s in scratch)
            if (s is not null) ArrayPoolF.Return(s);
    }
}

/// <summary>How a Winograd convolution splits its work: by the rule of <c>F.WinogradByPosition</c>, or (tests) one way.</summary>
internal enum WinogradOrder { Auto, ByChunk, ByPosition }
