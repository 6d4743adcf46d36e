using System.Numerics.Tensors;
using DeepPassport.Engine.Kernels;

namespace DeepPassport.Engine.Tensors;

public static partial class F
{
    /// <summary>
    /// 2-D convolution (cross-correlation, as PyTorch), NCHW: x [N, Cin, H, W], weight [Cout, Cin, kh, kw], bias [Cout]
    /// or null. 3x3 and 5x5 same-size stride-1 convolutions of even-sized images with 16 or more channels go by Winograd
    /// (<see cref="Conv2dWinograd"/>, <see cref="ConvGeometry.Winograd"/>); the rest by im2col. Images are processed in chunks: Y_chunk = W [Cout, Cin*kh*kw] x im2col(chunk) [Cin*kh*kw, chunk*Ho*Wo],
    /// so one GEMM packs the weights once for several images. 1x1 stride-1 unpadded convolutions skip im2col.
    /// Backward: dW += dY_chunk col^T, dcol = W^T dY_chunk scattered back by col2im, db = sum dY.
    /// Chunks run in parallel; each worker keeps its own dW and they are summed at the end.
    /// </summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, int stride = 1, int padding = 0)
    {
        if (x.Rank != 4 || weight.Rank != 4 || x.Shape[1] != weight.Shape[1])
            throw new ArgumentException($"Conv2d: input {x.ShapeString} does not fit weight {weight.ShapeString} (need [N, Cin, H, W] and [Cout, Cin, kh, kw]).");
        if (stride < 1 || padding < 0) throw new ArgumentException($"Conv2d: stride {stride} and padding {padding} must be positive and non-negative.");
        var g = new ConvGeometry(x.Shape[1], x.Shape[2], x.Shape[3], weight.Shape[0], weight.Shape[2], weight.Shape[3], stride, padding);
        if (g.OutH <= 0 || g.OutW <= 0) throw new ArgumentException($"Conv2d: input {x.ShapeString} is smaller than kernel {weight.ShapeString} with padding {padding}.");
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != g.OutC)) throw new ArgumentException($"Conv2d: bias {bias.ShapeString} does not fit {g.OutC} channels.");
        return g.Winograd != WinogradKind.None ? Conv2dWinograd(x, weight, bias, g, g.Winograd) : Conv2dIm2Col(x, weight, bias, g);
    }

    /// <summary>The im2col path for every geometry (the reference the Winograd path is tested against).</summary>
    internal static Tensor Conv2dIm2Col(Tensor x, Tensor weight, Tensor? bias, ConvGeometry g)
    {
        int n = x.Shape[0];
        var y = Tensor.Uninitialized(n, g.OutC, g.OutH, g.OutW);   // every image is stored by its GEMM
        var plan = new ConvChunks(n, g);
        // The weights [Cout, Cin*kh*kw] are the left factor of every chunk's product: pack them once.
        using (var w = new PackedA(false, g.OutC, g.ColRows, weight.Data))
            Parallelism.For(0, plan.Count, c =>
            {
                var (first, count) = plan.Range(c);
                if (g.IsPointwise)
                    for (int i = first; i < first + count; i++)
                        Gemm.Multiply(w, false, g.OutPlane, x.Data.AsSpan(i * g.InSize, g.InSize), y.Data.AsSpan(i * g.OutSize, g.OutSize), false);
                else
                {
                    int cols = count * g.OutPlane;
                    float[] col = ArrayPoolF.Rent(g.ColRows * cols);
                    for (int i = 0; i < count; i++) Im2Col.Forward(x.Data.AsSpan((first + i) * g.InSize, g.InSize), col, g, cols, i * g.OutPlane);
                    var yOut = y.Data.AsSpan(first * g.OutSize, count * g.OutSize);
                    // One image: the product [Cout, H'W'] already is its NCHW output.
                    if (count == 1) Gemm.Multiply(w, false, cols, col, yOut, false);
                    else
                    {
                        float[] yc = ArrayPoolF.Rent(g.OutC * cols);
                        Gemm.Multiply(w, false, cols, col, yc, false);
                        ChunkLayout.Scatter(yc, yOut, g.OutC, count, g.OutPlane);
                        ArrayPoolF.Return(yc);
                    }
                    ArrayPoolF.Return(col);
                }
                if (bias is not null)
                    for (int i = first; i < first + count; i++)
                        for (int o = 0; o < g.OutC; o++)
                        {
                            var plane = y.Data.AsSpan(i * g.OutSize + o * g.OutPlane, g.OutPlane);
                            TensorPrimitives.Add(plane, bias.Data[o], plane);
                        }
            });
        Tensor[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        return Tensor.Record(y, inputs, dy => Conv2dBackward(x, weight, bias, dy, g));
    }

    /// <summary>
    /// Each worker takes every workers-th chunk and sums its dW into its own buffer (the first is a fresh array that
    /// becomes the gradient, the others pooled), so dW buffers number the workers, not the chunks.
    /// </summary>
    private static void Conv2dBackward(Tensor x, Tensor weight, Tensor? bias, Tensor dy, ConvGeometry g)
    {
        int n = x.Shape[0];
        float[]? dx = x.RequiresGrad ? TensorScope.Rent(x.Size) : null;
        bool needW = weight.RequiresGrad;
        var plan = new ConvChunks(n, g);
        int workers = Parallelism.ChunkCount(plan.Count);
        var dwParts = new float[workers][];
        if (needW)
            for (int t = 0; t < workers; t++)
            {
                dwParts[t] = t == 0 ? TensorScope.Rent(weight.Size) : ArrayPoolF.Rent(weight.Size);
                dwParts[t].AsSpan(0, weight.Size).Clear();
            }
        // dcol = W^T dY: W^T [Cin*kh*kw, Cout] is the left factor of every chunk; pack it once.
        using var wt = dx is null ? null : new PackedA(true, g.ColRows, g.OutC, weight.Data);
        Parallelism.For(0, workers, t =>
        {
            float[]? dw = needW ? dwParts[t] : null;
            for (int c = t; c < plan.Count; c += workers)
            {
                var (first, count) = plan.Range(c);
                if (g.IsPointwise)
                    for (int i = first; i < first + count; i++)
                    {
                        var xi = x.Data.AsSpan(i * g.InSize, g.InSize);
                        var dyi = dy.Data.AsSpan(i * g.OutSize, g.OutSize);
                        if (dw is not null) Gemm.Multiply(false, true, g.OutC, g.InC, g.OutPlane, dyi, xi, dw, true);
                        if (dx is not null) Gemm.Multiply(wt!, false, g.OutPlane, dyi, dx.AsSpan(i * g.InSize, g.InSize), false);
                    }
                else
                {
                    int cols = count * g.OutPlane;
                    float[] col = ArrayPoolF.Rent(g.ColRows * cols);
                    // One image: its NCHW gradient already is the chunk layout [Cout, H'W'].
                    float[]? gathered = count == 1 ? null : ArrayPoolF.Rent(g.OutC * cols);
                    if (gathered is not null) ChunkLayout.Gather(dy.Data.AsSpan(first * g.OutSize, count * g.OutSize), gathered, g.OutC, count, g.OutPlane);
                    ReadOnlySpan<float> dyc = gathered is not null ? gathered : dy.Data.AsSpan(first * g.OutSize, g.OutSize);
                    if (dw is not null)
                    {
                        for (int i = 0; i < count; i++) Im2Col.Forward(x.Data.AsSpan((first + i) * g.InSize, g.InSize), col, g, cols, i * g.OutPlane);
                        Gemm.Multiply(false, true, g.OutC, g.ColRows, cols, dyc, col, dw, true);
                    }
                    if (dx is not null)
                    {
                        Gemm.Multiply(wt!, false, cols, dyc, col, false);
                        for (int i = 0; i < count; i++) Im2Col.Backward(col, dx.AsSpan((first + i) * g.InSize, g.InSize), g, cols, i * g.OutPlane);
                    }
                    ArrayPoolF.Return(col);
                    if (gathered is not null) ArrayPoolF.Return(gathered);
                }
            }
        });
        if (dx is not null) x.AccumulateGradOwned(dx);
        if (needW)
        {
            for (int t = 1; t < workers; t++)
            {
                TensorPrimitives.Add(dwParts[0], dwParts[t].AsSpan(0, weight.Size), dwParts[0]);
                ArrayPoolF.Return(dwParts[t]);
            }
            weight.AccumulateGradOwned(dwParts[0]);
        }
        if (bias is not null && bias.RequiresGrad) bias.AccumulateGradOwned(BiasGradient(dy, n, g));
    }

    /// <summary>db[o] = Σ over images and pixels of dY[., o, ., .].</summary>
    private static float[] BiasGradient(Tensor dy, int n, ConvGeometry g)
    {
        var db = new float[g.OutC];
        for (int i = 0; i < n; i++)
            for (int o = 0; o < g.OutC; o++) db[o] += TensorPrimitives.Sum(dy.Data.AsSpan(i * g.OutSize + o * g.OutPlane, g.OutPlane));
        return db;
    }
}

/// <summary>
/// How a batch is split for convolution: chunks of images whose column matrix stays near L2 size, and at least
/// as many chunks as worker threads.
/// </summary>
internal readonly struct ConvChunks
{
    private const long TargetColumnFloats = 1 << 19;   // 2 MB of im2col per chunk
    private readonly int _n, _perChunk;
    public int Count { get; }

    /// <summary>
    /// Chunks of equal image counts (the last may be short): as many images as fit the im2col target, at least one
    /// chunk per worker. When an image has fewer output pixels than a GEMM K block, the count is a multiple of the
    /// images that fill one, so that the weight gradient dW += dY col^T (K = the chunk's pixels) runs in whole K
    /// blocks: AlexNet's 8x8 layers came in chunks of 4-5 images (256 + 64 columns), two passes over a 2.6-3.5 MB dW.
    /// </summary>
    public ConvChunks(int n, ConvGeometry g)
    {
        _n = n;
        long perImage = Math.Max(1L, (long)g.ColRows * g.OutPlane);
        int per = (int)Math.Clamp(TargetColumnFloats / perImage, 1, Math.Max(1, n));
        int fill = g.OutPlane < Gemm.KBlock && Gemm.KBlock % g.OutPlane == 0 ? Gemm.KBlock / g.OutPlane : 1;
        if (per >= fill) per -= per % fill;
        per = Math.Min(per, Math.Max(1, (n + Parallelism.ChunkCount(n) - 1) / Parallelism.ChunkCount(n)));
        _perChunk = per;
        Count = Math.Max(1, (n + per - 1) / per);
    }

    public (int First, int Count) Range(int chunk)
    {
        int first = chunk * _perChunk;
        return (first, Math.Min(_perChunk, _n - first));
    }
}

/// <summary>Moves between NCHW images [count, C, P] and the chunk layout [C, count*P] that one GEMM produces.</summary>
internal static class ChunkLayout
{
    public static void Scatter(ReadOnlySpan<float> chunk, Span<float> images, int channels, int count, int plane)
    {
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < count; i++)
                chunk.Slice((c * count + i) * plane, plane).CopyTo(images.Slice((i * channels + c) * plane, plane));
    }

    public static void Gather(ReadOnlySpan<float> images, Span<float> chunk, int channels, int count, int plane)
    {
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < count; i++)
                images.Slice((i * channels + c) * plane, plane).CopyTo(chunk.Slice((c * count + i) * plane, plane));
    }
}

/// <summary>The Winograd schemes of <see cref="F.Conv2dWinograd"/>: F(output tile, kernel).</summary>
internal enum WinogradKind { None, F2x3, F4x3, F2x5 }

/// <summary>The sizes of one convolution.</summary>
internal readonly record struct ConvGeometry(int InC, int InH, int InW, int OutC, int KH, int KW, int Stride, int Padding)
{
    public int OutH => (InH + 2 * Padding - KH) / Stride + 1;
    public int OutW => (InW + 2 * Padding - KW) / Stride + 1;
    public int OutPlane => OutH * OutW;
    public int ColRows => InC * KH * KW;
    public bool IsPointwise => KH == 1 && KW == 1 && Stride == 1 && Padding == 0;
    /// <summary>
    /// The Winograd scheme of this convolution (<see cref="F.Conv2dWinograd"/>), or None for im2col: 3x3 or 5x5, stride 1,
    /// padding (k − 1)/2, even height and width, at least <see cref="WinogradMinChannels"/> channels in and out and at
    /// least <see cref="WinogradMinPixels"/> pixels a plane. 3x3 takes F(4x4, 3x3) when the sides are multiples of 4,
    /// else F(2x2, 3x3); 5x5 takes F(2x2, 5x5). With fewer channels or pixels the transforms cost more than the
    /// multiplications they save (bench/DeepPassport.Kernels WinogradBenchmarks).
    /// </summary>
    public WinogradKind Winograd =>
        KH != KW || Stride != 1 || 2 * Padding != KH - 1 || InH % 2 != 0 || InW % 2 != 0
        || InC < WinogradMinChannels || OutC < WinogradMinChannels || InH * InW < WinogradMinPixels ? WinogradKind.None
        : KH == 5 ? WinogradKind.F2x5
        : KH != 3 ? WinogradKind.None
        : InH % 4 == 0 && InW % 4 == 0 && InH * InW >= 64 ? WinogradKind.F4x3 : WinogradKind.F2x3;
    public const int WinogradMinChannels = 16, WinogradMinPixels = 16;
    /// <summary>Stride 1 and output rows as wide as input rows (2·padding = kw − 1): im2col rows are shifted planes.</summary>
    public bool IsSameWidth => Stride == 1 && OutW == InW && 2 * Padding == KW - 1;
    public int InSize => InC * InH * InW;
    public int OutSize => OutC * OutPlane;
}

/// <summary>
/// im2col: row (c, ki, kj) of the column matrix holds x[c, oy*s + ki - p, ox*s + kj - p] for every output
/// position (zero outside the image); col2im is its adjoint and adds the columns back into the image. Rows are
/// <c>rowStride</c> long and this image's positions start at <c>offset</c>, so several images share one matrix.
/// </summary>
internal static unsafe class Im2Col
{
    public static void Forward(ReadOnlySpan<float> x, Span<float> col, ConvGeometry g, int rowStride, int offset)
    {
        if (g.IsSameWidth) { ForwardSameWidth(x, col, g, rowStride, offset); return; }
        CheckSizes(x.Length, col.Length, g, rowStride, offset);
        fixed (float* px = x, pc = col)
            for (int c = 0; c < g.InC; c++)
                for (int ki = 0; ki < g.KH; ki++)
                    for (int kj = 0; kj < g.KW; kj++)
                    {
                        var (lo, hi) = ValidColumns(g, kj);
                        float* row = pc + ((c * g.KH + ki) * g.KW + kj) * (long)rowStride + offset;
                        for (int oy = 0; oy < g.OutH; oy++, row += g.OutW)
                        {
                            int iy = oy * g.Stride + ki - g.Padding, ox = 0;
                            if ((uint)iy >= (uint)g.InH) { new Span<float>(row, g.OutW).Clear(); continue; }
                            float* src = px + ((long)c * g.InH + iy) * g.InW + kj - g.Padding;   // src[ox·s]: input column ox·s + kj − p
                            for (; ox < lo; ox++) row[ox] = 0f;
                            for (; ox < hi; ox++) row[ox] = src[(long)ox * g.Stride];
                            for (; ox < g.OutW; ox++) row[ox] = 0f;
                        }
                    }
    }

    /// <summary>col2im into <paramref name="dx"/>. <paramref name="col"/> is scratch: the same-width path zeroes its border entries.</summary>
    public static void Backward(Span<float> col, Span<float> dx, ConvGeometry g, int rowStride, int offset)
    {
        dx.Clear();
        if (g.IsSameWidth) { BackwardSameWidth(col, dx, g, rowStride, offset); return; }
        CheckSizes(dx.Length, col.Length, g, rowStride, offset);
        fixed (float* pdx = dx, pc = col)
            for (int c = 0; c < g.InC; c++)
                for (int ki = 0; ki < g.KH; ki++)
                    for (int kj = 0; kj < g.KW; kj++)
                    {
                        var (lo, hi) = ValidColumns(g, kj);
                        float* row = pc + ((c * g.KH + ki) * g.KW + kj) * (long)rowStride + offset;
                        for (int oy = 0; oy < g.OutH; oy++, row += g.OutW)
                        {
                            int iy = oy * g.Stride + ki - g.Padding;
                            if ((uint)iy >= (uint)g.InH) continue;
                            float* dst = pdx + ((long)c * g.InH + iy) * g.InW + kj - g.Padding;
                            for (int ox = lo; ox < hi; ox++) dst[(long)ox * g.Stride] += row[ox];
                        }
                    }
    }

    /// <summary>The output columns [lo, hi) of tap kj whose input column ox·s + kj − p falls inside [0, W).</summary>
    private static (int Lo, int Hi) ValidColumns(ConvGeometry g, int kj)
    {
        int s = g.Stride, before = g.Padding - kj, after = g.InW + g.Padding - kj;   // ox·s ≥ before and ox·s < after
        int lo = Math.Min(g.OutW, before > 0 ? (before + s - 1) / s : 0);
        return (lo, Math.Max(lo, after > 0 ? Math.Min(g.OutW, (after + s - 1) / s) : 0));
    }

    /// <summary>The pointer loops above stay inside the image and this image's part of the column matrix only if these hold.</summary>
    private static void CheckSizes(int imageLength, int colLength, ConvGeometry g, int rowStride, int offset)
    {
        if (imageLength < g.InSize || offset < 0 || offset + g.OutPlane > rowStride || (long)g.ColRows * rowStride > colLength)
            throw new ArgumentException($"im2col: buffers too small for {g} (image {imageLength}, columns {colLength}, row stride {rowStride}, offset {offset}).");
    }

    // "Same-width" convolutions (stride 1, 2·padding = kw − 1, e.g. 3x3 with padding 1): an output row is as wide as an
    // input row, so row (c, ki, kj) of the column matrix is the input plane shifted by s = kj − padding and by whole
    // rows, with the s border columns zero. One block copy per (c, ki, kj) replaces one short copy per output row.

    /// <summary>The output rows [lo, hi) whose input row oy + ki − padding is inside the image.</summary>
    private static (int Lo, int Hi) ValidRows(ConvGeometry g, int ki) =>
        (Math.Max(0, g.Padding - ki), Math.Min(g.OutH, g.InH + g.Padding - ki));

    private static void ForwardSameWidth(ReadOnlySpan<float> x, Span<float> col, ConvGeometry g, int rowStride, int offset)
    {
        int w = g.InW, plane = g.OutPlane;
        for (int c = 0; c < g.InC; c++)
        {
            var src = x.Slice(c * g.InH * w, g.InH * w);
            for (int ki = 0; ki < g.KH; ki++)
            {
                var (lo, hi) = ValidRows(g, ki);
                for (int kj = 0; kj < g.KW; kj++)
                {
                    var row = col.Slice(((c * g.KH + ki) * g.KW + kj) * rowStride + offset, plane);
                    if (hi <= lo) { row.Clear(); continue; }
                    row[..(lo * w)].Clear();
                    row[(hi * w)..].Clear();
                    var block = row.Slice(lo * w, (hi - lo) * w);
                    var (s, first, count, from) = Shift(g, lo, ki, kj, block.Length);
                    src.Slice(from, count).CopyTo(block.Slice(first, count));
                    block[..first].Clear();
                    block[(first + count)..].Clear();
                    ClearBorderColumns(block, w, s);
                }
            }
        }
    }

    private static void BackwardSameWidth(Span<float> col, Span<float> dx, ConvGeometry g, int rowStride, int offset)
    {
        int w = g.InW, plane = g.OutPlane;
        for (int c = 0; c < g.InC; c++)
        {
            var dst = dx.Slice(c * g.InH * w, g.InH * w);
            for (int ki = 0; ki < g.KH; ki++)
            {
                var (lo, hi) = ValidRows(g, ki);
                if (hi <= lo) continue;
                for (int kj = 0; kj < g.KW; kj++)
                {
                    var block = col.Slice(((c * g.KH + ki) * g.KW + kj) * rowStride + offset + lo * w, (hi - lo) * w);
                    var (s, first, count, from) = Shift(g, lo, ki, kj, block.Length);
                    // Border columns read outside the image; zero them (dcol is scratch) so one contiguous add is exact.
                    ClearBorderColumns(block, w, s);
                    var target = dst.Slice(from, count);
                    TensorPrimitives.Add(target, block.Slice(first, count), target);
                }
            }
        }
    }

    /// <summary>
    /// Where the block of output rows [lo, …) of tap (ki, kj) meets the input plane: block[j] = plane[from − first + j]
    /// for j in [first, first + count), with s = kj − padding the column shift; the rest of the block falls outside.
    /// </summary>
    private static (int S, int First, int Count, int From) Shift(ConvGeometry g, int lo, int ki, int kj, int length)
    {
        int s = kj - g.Padding, start = (lo + ki - g.Padding) * g.InW, first = Math.Max(0, -s);
        return (s, first, length - Math.Abs(s), start + first + s);
    }

    /// <summary>Zeroes, in every row of width <paramref name="w"/>, the columns whose input column ox + s is outside [0, w).</summary>
    private static void ClearBorderColumns(Span<float> block, int w, int s)
    {
        if (s == 0) return;
        for (int r = 0; r < block.Length; r += w)
            if (s > 0) block.Slice(r + w - s, s).Clear();
            else block.Slice(r, -s).Clear();
    }
}
