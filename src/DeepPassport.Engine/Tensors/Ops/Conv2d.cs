using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using DeepPassport.Engine.Kernels;

namespace DeepPassport.Engine.Tensors;

public static partial class F
{
    /// <summary>
    /// 2-D convolution (cross-correlation, as PyTorch), NCHW: x [N, Cin, H, W], weight [Cout, Cin, kh, kw], bias [Cout]
    /// or null. 3x3 and 5x5 same-size stride-1 convolutions of even-sized images with 16 or more channels go by Winograd
    /// (<see cref="Conv2dWinograd"/>, <see cref="ConvGeometry.Winograd"/>) unless an <see cref="Im2ColOnly"/> scope is open; the rest by im2col. Images are processed in chunks: Y_chunk = W [Cout, Cin*kh*kw] x im2col(chunk) [Cin*kh*kw, chunk*Ho*Wo],
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
        return g.Winograd != WinogradKind.None && !Im2ColOnly.IsActive ? Conv2dWinograd(x, weight, bias, g, g.Winograd) : Conv2dIm2Col(x, weight, bias, g);
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
    /// Each worker takes its fixed run of chunks (<see cref="Parallelism.ForEachWorker"/>) and sums its dW into its own
    /// buffer (the first is a fresh array that becomes the gradient, the others pooled), so dW buffers number the
    /// workers, not the chunks, and are added in worker order: the same sums in every run.
    /// </summary>
    private static void Conv2dBackward(Tensor x, Tensor weight, Tensor? bias, Tensor dy, ConvGeometry g)
    {
        int n = x.Shape[0];
        float[]? dx = x.RequiresGrad ? TensorScope.Rent(x.Size, clear: false) : null;   // every image written (col2im clears its own)
        bool needW = weight.RequiresGrad;
        var plan = new ConvChunks(n, g);
        int workers = Parallelism.ChunkCount(plan.Count);
        var dwParts = new float[workers][];
        // dWᵀ = col dYᵀ instead of dW = dY colᵀ when it packs the smaller factor: with at most 128 channels out the GEMM
        // reads col in place (Gemm.InPlaceMaxColumns) and packs only dYᵀ, Cout rows where colᵀ has Cin·kh·kw.
        // Alternated in one process: ResNet-18's 64 -> 128 stride-2 convolution 1.05x (16 and 30 rounds), the ISN step 1.04x and 1.01x.
        bool transposedW = needW && !g.IsPointwise && g.OutC <= Gemm.InPlaceMaxColumns && g.ColRows >= g.OutC;
        if (needW)
            for (int t = 0; t < workers; t++)
            {
                dwParts[t] = t == 0 ? TensorScope.Rent(weight.Size, clear: false) : ArrayPoolF.Rent(weight.Size);
                dwParts[t].AsSpan(0, weight.Size).Clear();
            }
        // dcol = W^T dY: W^T [Cin*kh*kw, Cout] is the left factor of every chunk; pack it once.
        using var wt = dx is null ? null : new PackedA(true, g.ColRows, g.OutC, weight.Data);
        Parallelism.ForEachWorker(plan.Count, workers, (t, c) =>
        {
            float[]? dw = needW ? dwParts[t] : null;
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
                    if (transposedW) Gemm.Multiply(false, true, g.ColRows, g.OutC, cols, col, dyc, dw, true);
                    else Gemm.Multiply(false, true, g.OutC, g.ColRows, cols, dyc, col, dw, true);
                }
                if (dx is not null)
                {
                    Gemm.Multiply(wt!, false, cols, dyc, col, false);
                    for (int i = 0; i < count; i++) Im2Col.Backward(col, dx.AsSpan((first + i) * g.InSize, g.InSize), g, cols, i * g.OutPlane);
                }
                ArrayPoolF.Return(col);
                if (gathered is not null) ArrayPoolF.Return(gathered);
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
            if (transposedW)
            {
                var dw = TensorScope.Rent(weight.Size, clear: false);   // every entry written
                WinogradTransforms.Transpose(dwParts[0], 0, g.OutC, dw, 0, g.ColRows, g.ColRows, g.OutC);
                TensorScope.Recycle(dwParts[0]);
                dwParts[0] = dw;
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
    /// An image of a K block of output pixels or more is a whole product on its own: one image a chunk, whose product
    /// already is its NCHW output, so the chunk layout's scatter and gather (two passes over the output) go. Measured
    /// (ResNet-18 training step, four alternated pairs): 1.05-1.13x, median 1.10; its 1x1 stride-2 shortcut at 32x32
    /// 7-10 -> 4 ms forward, 18-19 -> 11 ms backward; conv1 (three channels in) 12.7 -> 9.5 ms forward.
    /// </summary>
    public ConvChunks(int n, ConvGeometry g)
    {
        _n = n;
        long perImage = Math.Max(1L, (long)g.ColRows * g.OutPlane);
        int per = g.OutPlane >= Gemm.KBlock ? 1 : (int)Math.Clamp(TargetColumnFloats / perImage, 1, Math.Max(1, n));
        int fill = g.OutPlane < Gemm.KBlock && Gemm.KBlock % g.OutPlane == 0 ? Gemm.KBlock / g.OutPlane : 1;
        if (per >= fill) per -= per % fill;
        int workers = Parallelism.ChunkCount(n);
        per = Math.Min(per, Math.Max(1, (n + workers - 1) / workers));
        // A whole number of chunks a worker where the sizes allow, the fewer if the count falls between: 64 images in
        // chunks of 14 (ResNet-18's 256 -> 512 stride-2 layer) were five chunks, 36 images for one worker and 28 for the
        // other. Four chunks of 16 (2.4 MB of im2col each) ran that layer 1.10x faster, forward and backward (9 of 10
        // alternated rounds); six of 11, level (smaller products).
        int count = (n + per - 1) / per;
        if (count > workers && count % workers != 0) per = (n + count / workers * workers - 1) / (count / workers * workers);
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
    // Image by image, so that the images' side is one sequential run (channel by channel it jumped a whole image at
    // every copy: ResNet-18's 4x4 planes were 64-byte copies to 16 pages in turn).

    public static void Scatter(ReadOnlySpan<float> chunk, Span<float> images, int channels, int count, int plane)
    {
        for (int i = 0; i < count; i++)
            for (int c = 0; c < channels; c++)
                chunk.Slice((c * count + i) * plane, plane).CopyTo(images.Slice((i * channels + c) * plane, plane));
    }

    public static void Gather(ReadOnlySpan<float> images, Span<float> chunk, int channels, int count, int plane)
    {
        for (int i = 0; i < count; i++)
            for (int c = 0; c < channels; c++)
                images.Slice((i * channels + c) * plane, plane).CopyTo(chunk.Slice((c * count + i) * plane, plane));
    }
}

/// <summary>The Winograd schemes of <see cref="F.Conv2dWinograd"/>: F(output tile, kernel).</summary>
internal enum WinogradKind { None, F2x3, F4x3, F2x5, F4x5 }

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
    /// padding (k − 1)/2, even height and width, at least <see cref="WinogradMinChannels"/> channels in,
    /// <see cref="WinogradMinOutChannels"/> out and <see cref="WinogradMinPixels"/> pixels a plane. 3x3 takes F(4x4, 3x3)
    /// when the sides are multiples of 4, else F(2x2, 3x3); 5x5 takes F(4x4, 5x5) when the sides are multiples of 4, else
    /// F(2x2, 5x5). With fewer channels in or pixels the transforms cost more than the multiplications they save
    /// (bench/DeepPassport.Kernels WinogradBenchmarks; alternated in one process, forward and backward of a batch of 64:
    /// 12 -> 32 channels at 16x16 0.90x, 8 -> 32 0.83x). Few channels out do not: im2col then packs a column matrix of
    /// 9·Cin rows for a product of only Cout rows (140 -> 12 at 16x16, the ISN's last convolution, 1.76x by Winograd;
    /// 64 -> 4 at 32x32 1.88x; 16 -> 8 1.16x). On 4x4 planes too F(4x4, 3x3), one tile an image, beats F(2x2, 3x3)'s four
    /// (alternated, forward and backward of a batch of 64: ResNet-18's 512 -> 512 1.14x, 256 -> 256 1.42x, 64 -> 64 1.99x;
    /// the ResNet-18 training step 1.05x).
    /// </summary>
    public WinogradKind Winograd =>
        KH != KW || Stride != 1 || 2 * Padding != KH - 1 || InH % 2 != 0 || InW % 2 != 0
        || InC < WinogradMinChannels || OutC < WinogradMinOutChannels || InH * InW < WinogradMinPixels ? WinogradKind.None
        : KH == 5 ? (InH % 4 == 0 && InW % 4 == 0 ? WinogradKind.F4x5 : WinogradKind.F2x5)
        : KH != 3 ? WinogradKind.None
        : InH % 4 == 0 && InW % 4 == 0 ? WinogradKind.F4x3 : WinogradKind.F2x3;
    public const int WinogradMinChannels = 16, WinogradMinOutChannels = 4, WinogradMinPixels = 16;
    /// <summary>Stride 1 and output rows as wide as input rows (2·padding = kw − 1): im2col rows are shifted planes.</summary>
    public bool IsSameWidth => Stride == 1 && OutW == InW && 2 * Padding == KW - 1;
    /// <summary>
    /// Stride 2 and 2·padding = k − 1 on even sides, k > 1 (ResNet's 3x3 downsampling): the output is H/2 x W/2 and
    /// im2col rows are shifted planes of the four phase images x[c, 2i + a, 2j + b]. A 1x1 (the shortcuts) reads one
    /// phase of the four and goes by the strided gather: splitting all four cost more (measured, alternated: layer2
    /// shortcut 35.6 -> 26.9 ms forward + backward, layer3 13.3 -> 10.4, layer4 11.7 -> 10.7).
    /// </summary>
    public bool IsHalving => Stride == 2 && KH > 1 && 2 * Padding == KH - 1 && 2 * Padding == KW - 1 && InH % 2 == 0 && InW % 2 == 0;
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
        if (g.IsSameWidth || g.IsHalving) { ForwardShifted(x, col, g, rowStride, offset); return; }
        CheckSizes(x.Length, col.Length, g, rowStride, offset);
        fixed (float* px = x, pc = col) Strided(px, pc, g, rowStride, offset, adjoint: false);
    }

    /// <summary>col2im into <paramref name="dx"/> (overwritten).</summary>
    public static void Backward(Span<float> col, Span<float> dx, ConvGeometry g, int rowStride, int offset)
    {
        if (g.IsSameWidth || g.IsHalving) { BackwardShifted(col, dx, g, rowStride, offset); return; }
        dx.Clear();
        CheckSizes(dx.Length, col.Length, g, rowStride, offset);
        fixed (float* pdx = dx, pc = col) Strided(pdx, pc, g, rowStride, offset, adjoint: true);
    }

    /// <summary>
    /// Any other geometry, row by row of the output: col[row][oy, ox] = image[c, oy·s + ki − p, ox·s + kj − p] (zero
    /// outside), or, <paramref name="adjoint"/>, the image gets each column entry added back where it came from.
    /// </summary>
    private static void Strided(float* image, float* col, ConvGeometry g, int rowStride, int offset, bool adjoint)
    {
        for (int c = 0; c < g.InC; c++)
            for (int ki = 0; ki < g.KH; ki++)
                for (int kj = 0; kj < g.KW; kj++)
                {
                    var (lo, hi) = ValidColumns(g, kj);
                    float* row = col + ((c * g.KH + ki) * g.KW + kj) * (long)rowStride + offset;
                    for (int oy = 0; oy < g.OutH; oy++, row += g.OutW)
                    {
                        int iy = oy * g.Stride + ki - g.Padding;
                        bool inside = (uint)iy < (uint)g.InH;
                        float* at = image + ((long)c * g.InH + iy) * g.InW + kj - g.Padding;   // at[ox·s]: input column ox·s + kj − p
                        if (adjoint)
                        {
                            if (inside)
                                for (int ox = lo; ox < hi; ox++) at[(long)ox * g.Stride] += row[ox];
                            continue;
                        }
                        if (!inside) { new Span<float>(row, g.OutW).Clear(); continue; }
                        int x = 0;
                        for (; x < lo; x++) row[x] = 0f;
                        for (; x < hi; x++) row[x] = at[(long)x * g.Stride];
                        for (; x < g.OutW; x++) row[x] = 0f;
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

    // Shifted planes. In a same-width convolution (stride 1, 2·padding = kw − 1, e.g. 3x3 with padding 1) an output row
    // is as wide as an input row, so row (c, ki, kj) of the column matrix is input plane c moved by dy = ki − padding
    // rows and s = kj − padding columns, zero where that reads outside. In a halving one (stride 2, same padding, even
    // sides) x[c, 2·oy + d, 2·ox + e] is phase plane (d mod 2, e mod 2) of channel c at (oy + ⌊d/2⌋, ox + ⌊e/2⌋): the
    // image is split into its four phases once, and each row is again a shifted plane. One masked pass of vectors per row
    // of the column matrix (ShiftedPlane) replaces one short (or, strided, one gathered) copy per output row.

    private static void ForwardShifted(ReadOnlySpan<float> x, Span<float> col, ConvGeometry g, int rowStride, int offset)
    {
        CheckSizes(x.Length, col.Length, g, rowStride, offset);
        float[]? phases = g.IsHalving ? ArrayPoolF.Rent(g.InSize) : null;
        if (phases is not null) SplitPhases(x, phases, g.InC, g.InH, g.InW);
        Span<Tap> taps = stackalloc Tap[g.KH * g.KW];
        Taps(g, taps);
        fixed (float* px = x, pp = phases, pc = col)
        {
            float* planes = phases is null ? px : pp, row = pc + offset;
            for (int c = 0; c < g.InC; c++)
                foreach (var tap in taps)
                {
                    ShiftedPlane.Copy(planes + c * tap.ChannelStride + tap.Plane, row, tap.Move);
                    row += rowStride;
                }
        }
        if (phases is not null) ArrayPoolF.Return(phases);
    }

    /// <summary>col2im of <see cref="ForwardShifted"/>: each row added back into its (phase) plane, the phases merged at the end.</summary>
    private static void BackwardShifted(Span<float> col, Span<float> dx, ConvGeometry g, int rowStride, int offset)
    {
        CheckSizes(dx.Length, col.Length, g, rowStride, offset);
        float[]? phases = g.IsHalving ? ArrayPoolF.Rent(g.InSize) : null;
        Span<float> planes = phases is null ? dx[..g.InSize] : phases.AsSpan(0, g.InSize);
        planes.Clear();
        Span<Tap> taps = stackalloc Tap[g.KH * g.KW];
        Taps(g, taps);
        fixed (float* pp = planes, pc = col)
        {
            float* row = pc + offset;
            for (int c = 0; c < g.InC; c++)
                foreach (var tap in taps)
                {
                    ShiftedPlane.Add(row, pp + c * tap.ChannelStride + tap.Plane, tap.Move);
                    row += rowStride;
                }
        }
        if (phases is null) return;
        MergePhases(phases, dx, g.InC, g.InH, g.InW);
        ArrayPoolF.Return(phases);
    }

    /// <summary>The rows of the planes the column rows are moved from: the image's, or halving, its phases' (H/2).</summary>
    private static int SourceHeight(ConvGeometry g) => g.IsHalving ? g.InH / 2 : g.InH;

    /// <summary>
    /// Where column row (c, ki, kj) reads: channel c's plane at c·ChannelStride + Plane (floats), moved by Move. Same
    /// width: the input plane c by (ki − p, kj − p). Halving: phase plane 4c + 2a + b by (⌊d/2⌋, ⌊e/2⌋) with
    /// d = ki − p = 2⌊d/2⌋ + a and e = kj − p = 2⌊e/2⌋ + b.
    /// </summary>
    private readonly record struct Tap(long ChannelStride, long Plane, ShiftedPlane.Move Move);

    /// <summary>The k² taps of one channel, the same for every channel.</summary>
    private static void Taps(ConvGeometry g, Span<Tap> taps)
    {
        int srcH = SourceHeight(g);
        long srcPlane = (long)srcH * g.OutW, channelStride = (g.IsHalving ? 4 : 1) * srcPlane;
        var masks = ShiftedPlane.Masks.Get(srcH, g.OutW, g.OutH, g.Padding);
        for (int ki = 0, t = 0; ki < g.KH; ki++)
            for (int kj = 0; kj < g.KW; kj++, t++)
            {
                int d = ki - g.Padding, e = kj - g.Padding;
                // d >> 1 is ⌊d/2⌋ and d & 1 is d mod 2 for negative d too (two's complement)
                taps[t] = g.IsHalving
                    ? new Tap(channelStride, (2 * (d & 1) + (e & 1)) * srcPlane, masks.Of(d >> 1, e >> 1))
                    : new Tap(channelStride, 0, masks.Of(d, e));
            }
    }

    /// <summary>phases[c][2a + b][i][j] = x[c][2i + a][2j + b] for an image of even sides h x w.</summary>
    private static void SplitPhases(ReadOnlySpan<float> x, Span<float> phases, int channels, int h, int w)
    {
        int hw = w / 2, quarter = h / 2 * hw;
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < h; y++)
            {
                int dst = (4 * c + 2 * (y & 1)) * quarter + (y >> 1) * hw;
                Deinterleave(x.Slice((c * h + y) * w, w), phases.Slice(dst, hw), phases.Slice(dst + quarter, hw));
            }
    }

    /// <summary>The inverse of <see cref="SplitPhases"/>.</summary>
    private static void MergePhases(ReadOnlySpan<float> phases, Span<float> x, int channels, int h, int w)
    {
        int hw = w / 2, quarter = h / 2 * hw;
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < h; y++)
            {
                int src = (4 * c + 2 * (y & 1)) * quarter + (y >> 1) * hw;
                Interleave(phases.Slice(src, hw), phases.Slice(src + quarter, hw), x.Slice((c * h + y) * w, w));
            }
    }

    /// <summary>even[j] = row[2j], odd[j] = row[2j + 1]: 16 values at a time with two shuffles and two lane permutes.</summary>
    private static void Deinterleave(ReadOnlySpan<float> row, Span<float> even, Span<float> odd)
    {
        int j = 0;
        if (Avx2.IsSupported && row.Length >= 2 * even.Length && odd.Length >= even.Length)
            fixed (float* pr = row, pe = even, po = odd)
                for (; j <= even.Length - 8; j += 8)
                {
                    var a = Avx.LoadVector256(pr + 2 * j);       // r0 .. r7
                    var b = Avx.LoadVector256(pr + 2 * j + 8);   // r8 .. r15
                    // per 128-bit lane (a0 a2 b0 b2 | a4 a6 b4 b6); its 64-bit pairs taken in the order 0 2 1 3 give r0 r2 .. r14
                    var e = Avx.Shuffle(a, b, 0b10_00_10_00).AsDouble();
                    var o = Avx.Shuffle(a, b, 0b11_01_11_01).AsDouble();
                    Avx.Store(pe + j, Avx2.Permute4x64(e, 0b11_01_10_00).AsSingle());
                    Avx.Store(po + j, Avx2.Permute4x64(o, 0b11_01_10_00).AsSingle());
                }
        for (; j < even.Length; j++)
        {
            even[j] = row[2 * j];
            odd[j] = row[2 * j + 1];
        }
    }

    /// <summary>row[2j] = even[j], row[2j + 1] = odd[j].</summary>
    private static void Interleave(ReadOnlySpan<float> even, ReadOnlySpan<float> odd, Span<float> row)
    {
        int j = 0;
        if (Avx2.IsSupported && row.Length >= 2 * even.Length && odd.Length >= even.Length)
            fixed (float* pr = row, pe = even, po = odd)
                for (; j <= even.Length - 8; j += 8)
                {
                    var e = Avx.LoadVector256(pe + j);
                    var o = Avx.LoadVector256(po + j);
                    var low = Avx.UnpackLow(e, o);    // e0 o0 e1 o1 | e4 o4 e5 o5
                    var high = Avx.UnpackHigh(e, o);  // e2 o2 e3 o3 | e6 o6 e7 o7
                    Avx.Store(pr + 2 * j, Avx.Permute2x128(low, high, 0x20));
                    Avx.Store(pr + 2 * j + 8, Avx.Permute2x128(low, high, 0x31));
                }
        for (; j < even.Length; j++)
        {
            row[2 * j] = even[j];
            row[2 * j + 1] = odd[j];
        }
    }
}
