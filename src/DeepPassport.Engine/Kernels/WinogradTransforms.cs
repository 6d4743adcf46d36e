using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepPassport.Engine.Kernels;

/// <summary>
/// The image and filter transforms of a Winograd scheme <c>T</c> (<see cref="IWinogradScheme"/>, α = m + r − 1) for a
/// whole image or filter bank. Summed over input channels, the products of a tile become α² GEMMs, one per position
/// ξ = α·a + b: M[ξ] (tiles x Cout) = V[ξ] (tiles x Cin) U[ξ] (Cin x Cout).
/// <para>
/// Channels are the innermost (fastest) index of V, M and U, so each tile transform runs on 16 channels at once (with
/// AVX-512), then 8, then one at a time for a tail; images go in and out through a transpose to pixel-major (HWC) order. A chunk of
/// images has <c>cols</c> tiles in all; tile (ty, tx) of an H x W image (H, W multiples of m) whose tiles start at
/// <c>first</c> is row first + ty·(W/m) + tx of V[ξ] and M[ξ], and V[ξ + 1] starts <see cref="PositionStride"/> floats after V[ξ].
/// </para>
/// </summary>
internal static unsafe class WinogradTransforms
{
    /// <summary>Positions in a transformed tile: the number of GEMMs.</summary>
    public static int Positions<T>() where T : IWinogradScheme => (T.M + T.R - 1) * (T.M + T.R - 1);

    /// <summary>Tiles of one H x W image.</summary>
    public static int Tiles<T>(int h, int w) where T : IWinogradScheme => h / T.M * (w / T.M);

    /// <summary>
    /// Floats from V[ξ] to V[ξ + 1] (and M[ξ] to M[ξ + 1]) for C channels of <paramref name="cols"/> tiles: cols·C rounded
    /// up to whole 64-byte lines, so that every V[ξ] of an aligned buffer starts on a line.
    /// </summary>
    public static int PositionStride(int channels, int cols) => (cols * channels + 15) & ~15;

    /// <summary>Floats of the pixel-major scratch the image transforms need for C channels of an H x W image.</summary>
    public static int ScratchLength<T>(int channels, int h, int w) where T : IWinogradScheme
        => ((h + T.R - 1) * (w + T.R - 1) + h * w) * channels;

    /// <summary>
    /// V[ξ][first + tile][c] = (Bᵀ d B)[ξ] for the image x [C, H, W], V[ξ] being <paramref name="cols"/> x C. The image
    /// is first copied pixel-major into <paramref name="scratch"/> with a border of (r − 1)/2 zeros (the padding).
    /// </summary>
    public static void Input<T>(ReadOnlySpan<float> x, Span<float> v, int channels, int h, int w, int cols, int first, Span<float> scratch) where T : IWinogradScheme
    {
        int pad = (T.R - 1) / 2, pw = w + 2 * pad, tw = w / T.M, c16 = Wide ? channels / 16 * 16 : 0, c8 = channels / 8 * 8;
        long step = PositionStride(channels, cols);
        long rowLength = (long)pw * channels;
        fixed (float* px = x, pv = v, ps = scratch)
        {
            new Span<float>(ps, (int)(pad * rowLength)).Clear();                                   // top border rows
            new Span<float>(ps + (h + pad) * rowLength, (int)(pad * rowLength)).Clear();           // bottom border rows
            // Rows of fewer than 8 pixels transpose as one [C, H·W] matrix (in 8 x 8 blocks), then move into place.
            float* whole = w % 8 == 0 ? null : ps + (h + 2 * pad) * rowLength;
            if (whole != null) Transpose(px, (long)h * w, whole, channels, channels, h * w);
            for (int y = 0; y < h; y++)
            {
                float* row = ps + (y + pad) * rowLength;
                new Span<float>(row, pad * channels).Clear();
                new Span<float>(row + (long)(w + pad) * channels, pad * channels).Clear();
                if (whole == null) Transpose(px + y * w, (long)h * w, row + pad * channels, channels, channels, w);
                else new Span<float>(whole + (long)y * w * channels, w * channels).CopyTo(new Span<float>(row + pad * channels, w * channels));
            }
            for (int ty = 0; ty < h / T.M; ty++)
                for (int tx = 0; tx < tw; tx++)
                {
                    float* d = ps + ((long)T.M * ty * pw + T.M * tx) * channels;   // d[a][b] at d + (a·pw + b)·C
                    float* dst = pv + (long)(first + ty * tw + tx) * channels;
                    int c = 0;
                    for (; c < c16; c += 16) T.Input<Lanes16>(d + c, rowLength, channels, dst + c, step);
                    for (; c < c8; c += 8) T.Input<Lanes8>(d + c, rowLength, channels, dst + c, step);
                    for (; c < channels; c++) T.Input<Lanes1>(d + c, rowLength, channels, dst + c, step);
                }
        }
    }

    /// <summary>
    /// y[o] = Aᵀ m A (+ bias[o]) for the image y [O, H, W], from M[ξ][first + tile][o] (M[ξ] being cols x O): each tile
    /// into pixel-major <paramref name="scratch"/>, then transposed into the image.
    /// </summary>
    public static void Output<T>(ReadOnlySpan<float> m, Span<float> y, int channels, int h, int w, int cols, int first, ReadOnlySpan<float> bias, Span<float> scratch) where T : IWinogradScheme
    {
        int tw = w / T.M, c16 = Wide ? channels / 16 * 16 : 0, c8 = channels / 8 * 8;
        long step = PositionStride(channels, cols);
        fixed (float* pm = m, py = y, ps = scratch, pb = bias)
        {
            for (int ty = 0; ty < h / T.M; ty++)
                for (int tx = 0; tx < tw; tx++)
                {
                    float* src = pm + (long)(first + ty * tw + tx) * channels;
                    float* dst = ps + ((long)T.M * ty * w + T.M * tx) * channels;   // y[i][j] at dst + (i·w + j)·C
                    int c = 0;
                    for (; c < c16; c += 16) T.Output(src + c, step, dst + c, (long)w * channels, channels, Bias<Lanes16>(pb, c));
                    for (; c < c8; c += 8) T.Output(src + c, step, dst + c, (long)w * channels, channels, Bias<Lanes8>(pb, c));
                    for (; c < channels; c++) T.Output(src + c, step, dst + c, (long)w * channels, channels, Bias<Lanes1>(pb, c));
                }
            Transpose(ps, channels, py, (long)h * w, h * w, channels);
        }
    }

    /// <summary>
    /// The adjoint of <see cref="Output{T}"/> without bias: dM[ξ][first + tile][o] = (A dy Aᵀ)[ξ] for the output gradient
    /// dy [O, H, W] of one image (transposed pixel-major into <paramref name="scratch"/> first). The weight gradient is
    /// then dU[ξ] = V[ξ]ᵀ dM[ξ].
    /// </summary>
    public static void OutputAdjoint<T>(ReadOnlySpan<float> dy, Span<float> dm, int channels, int h, int w, int cols, int first, Span<float> scratch) where T : IWinogradScheme
    {
        int tw = w / T.M, c16 = Wide ? channels / 16 * 16 : 0, c8 = channels / 8 * 8;
        long step = PositionStride(channels, cols);
        fixed (float* pd = dy, pm = dm, ps = scratch)
        {
            Transpose(pd, (long)h * w, ps, channels, channels, h * w);
            for (int ty = 0; ty < h / T.M; ty++)
                for (int tx = 0; tx < tw; tx++)
                {
                    float* src = ps + ((long)T.M * ty * w + T.M * tx) * channels;
                    float* dst = pm + (long)(first + ty * tw + tx) * channels;
                    int c = 0;
                    for (; c < c16; c += 16) T.OutputAdjoint<Lanes16>(src + c, (long)w * channels, channels, dst + c, step);
                    for (; c < c8; c += 8) T.OutputAdjoint<Lanes8>(src + c, (long)w * channels, channels, dst + c, step);
                    for (; c < channels; c++) T.OutputAdjoint<Lanes1>(src + c, (long)w * channels, channels, dst + c, step);
                }
        }
    }

    /// <summary>
    /// U[ξ][c][o] = (G g Gᵀ)[ξ] for the filters g = weight[o][c] of weight [O, C, r, r]; with <paramref name="flipped"/>
    /// the filters of the input gradient instead, g'[o][c] = weight[o][c] rotated by 180°, U[ξ][o][c] (its product takes
    /// O channels in and gives C out). Each U[ξ] is written straight into its GEMM panels, factor ξ of the bank
    /// <paramref name="u"/> (rows c, columns o; flipped, rows o, columns c), never stored unpacked: ResNet-18's 512 x 512
    /// bank is 38 MB, and packing it again cost another pass over it.
    /// The transform runs on 16 (or 8) filters at a time, whose r² taps are first transposed into a small tile of lanes:
    /// filters o … o + 15 of input channel c, inC·r² apart in the weight, or, flipped, the consecutive filters (o, c …
    /// c + 15), their taps in reverse order (the rotation); their 16 values of a U[ξ] are 16 consecutive floats of a panel
    /// row. Workers take channels c (flipped: o), each a row of every U[ξ]. Transposed through a tile in L1 rather than
    /// a whole r² x O x C copy of the weight: ResNet-18's 512 x 512 bank 4.2-5.0 -> 2.7-2.8 ms, flipped 3.0-3.4 -> 2.4-2.5
    /// (F(4x4, 3x3), 2 threads); its adjoint 4.4-4.9 -> 3.3; with the fused adjoint the training step 1.02x (12 of 12).
    /// </summary>
    public static void Filter<T>(float[] weight, PackedB u, int outC, int inC, bool flipped) where T : IWinogradScheme
    {
        int k = T.R * T.R, runs = flipped ? outC : inC, runLength = flipped ? inC : outC, positions = Positions<T>();
        if (u.Count != positions || u.K != runs || u.N != runLength)
            throw new ArgumentException($"Winograd filter bank of {u.Count} x {u.K} x {u.N} for {positions} x {runs} x {runLength}.");
        // A group of lanes must stay inside one panel (the scalar micro-kernel's panels are 4 wide: one filter at a time).
        int lanes = Wide ? 16 : 8;
        if (u.Nr % lanes != 0) lanes = 1;
        long laneStride = flipped ? k : (long)inC * k, step = u.Stride;   // from one lane's filter to the next; from U[ξ] to U[ξ + 1]
        int padColumns = (runLength + u.Nr - 1) / u.Nr * u.Nr - runLength;
        // A bank of more than StreamBytes (the 256- and 512-channel layers') goes out by non-temporal stores: written
        // once and read by the products only after the whole transform, it would just push the caches' other data out,
        // and a plain store reads every line before it writes it. Its panels' 16-float runs all start on 64-byte lines.
        bool stream = lanes == 16 && Avx512F.IsSupported && u.Stride * u.Count * sizeof(float) > StreamBytes;
        ForChannels(runs, r =>
        {
            float* tile = stackalloc float[k * lanes];
            float* outTile0 = stackalloc float[stream ? positions * 16 + 16 : 0];
            float* outTile = (float*)(((nint)outTile0 + 63) & ~(nint)63);
            fixed (float* pw = weight, pu = u.Data)
            {
                // Row r of U[ξ]: column j at row + (j / nr)·panel + j % nr (one K block's panels, panel apart).
                float* row = pu + u.Start + u.Offset(r, 0);
                long panel = u.Offset(r, u.Nr) - u.Offset(r, 0);
                for (int j = 0; j < runLength; j += j + lanes <= runLength ? lanes : 1)
                {
                    float* g = pw + (flipped ? (long)r * inC + j : (long)j * inC + r) * k, dst = row + j / u.Nr * panel + j % u.Nr;
                    if (j + lanes > runLength || lanes == 1)
                    {
                        // one filter of the tail: its taps read in place, backwards when flipped
                        T.Filter<Lanes1>(flipped ? g + k - 1 : g, flipped ? -1 : 1, dst, step);
                        continue;
                    }
                    // tile[t][lane] = tap t of the lane's filter (flipped: tap r² − 1 − t)
                    Transpose(g, laneStride, flipped ? tile + (k - 1) * lanes : tile, flipped ? -lanes : lanes, lanes, k);
                    if (stream)
                    {
                        // into the tile, then out to every U[ξ] past the caches (each store a whole 64-byte line)
                        T.Filter<Lanes16>(tile, lanes, outTile, 16);
                        for (int xi = 0; xi < positions; xi++) Avx512F.StoreAlignedNonTemporal(dst + xi * step, Vector512.Load(outTile + xi * 16));
                    }
                    else if (Wide) T.Filter<Lanes16>(tile, lanes, dst, step);
                    else T.Filter<Lanes8>(tile, lanes, dst, step);
                }
                // The last panel's columns past the last filter, zeroed as PackB zeroes them (they reach only the output
                // columns an edge tile drops).
                if (padColumns > 0)
                    for (int xi = 0; xi < u.Count; xi++) new Span<float>(row + xi * step + runLength / u.Nr * panel + runLength % u.Nr, padColumns).Clear();
                if (stream) Sse.StoreFence();   // the streamed lines are seen by the threads that multiply by them
            }
        });
    }

    /// <summary>
    /// The adjoint of <see cref="Filter{T}"/> (not flipped): dg = Gᵀ dU G from dU[ξ][c][o], written into dweight
    /// [O, C, r, r]: the transform on 16 (or 8) filters o … o + 15 of channel c at a time into a tile of lanes, which is
    /// transposed into their r² taps. Workers take channels c.
    /// </summary>
    public static void FilterAdjoint<T>(float[] du, float[] dweight, int outC, int inC) where T : IWinogradScheme
    {
        int size = outC * inC, k = T.R * T.R, lanes = Wide ? 16 : 8;
        ForChannels(inC, c =>
        {
            float* tile = stackalloc float[k * lanes];
            fixed (float* pd = du, pw = dweight)
                for (int o = 0; o < outC; o += o + lanes <= outC ? lanes : 1)
                {
                    float* src = pd + (long)c * outC + o, g = pw + ((long)o * inC + c) * k;
                    if (o + lanes > outC)
                    {
                        T.FilterAdjoint<Lanes1>(src, size, g, 1);   // one filter of the tail, its taps written in place
                        continue;
                    }
                    if (Wide) T.FilterAdjoint<Lanes16>(src, size, tile, lanes);
                    else T.FilterAdjoint<Lanes8>(src, size, tile, lanes);
                    Transpose(tile, lanes, g, (long)inC * k, k, lanes);
                }
        });
    }

    /// <summary>
    /// Filter banks larger than this are streamed past the caches (<see cref="Filter{T}"/>). Alternated in one process
    /// against plain stores: ResNet-18's 512-channel 4x4 convolution (38 MB bank) 1.148x and 1.066x (10 and 9 of 12
    /// rounds), its 256-channel 8x8 one (9.4 MB) 1.034x, the AlexNet step 1.045x and 1.030x (11 of 14, 11 of 16), the
    /// ResNet-18 step level (1.012x, 0.996x); the 128-channel 16x16 one (2.4 MB) level, so smaller banks, read again by
    /// every chunk while still in cache, keep plain stores.
    /// </summary>
    private const long StreamBytes = 4 << 20;

    /// <summary>Transforms run on 16 channels at once where 512-bit vectors are fast (then 8, then one at a time).</summary>
    private static readonly bool Wide = Vector512.IsHardwareAccelerated;

    /// <summary>The bias of channels c, c + 1, … as lanes, or zero.</summary>
    private static L Bias<L>(float* bias, int c) where L : unmanaged, ILanes<L> => bias == null ? L.Broadcast(0f) : L.Load(bias + c);

    /// <summary>body(c) for every c in [0, count), in one block of channels per worker.</summary>
    private static void ForChannels(int count, Action<int> body)
    {
        int blocks = Parallelism.ChunkCount(count);   // read here: inside the loop it is 1
        Parallelism.For(0, blocks, b =>
        {
            for (int c = b * count / blocks; c < (b + 1) * count / blocks; c++) body(c);
        });
    }

    /// <summary><see cref="Transpose(float*, long, float*, long, int, int)"/> between arrays, from and to the given offsets.</summary>
    public static void Transpose(float[] src, long srcOffset, long srcStride, float[] dst, long dstOffset, long dstStride, int rows, int cols)
    {
        fixed (float* ps = src, pd = dst) Transpose(ps + srcOffset, srcStride, pd + dstOffset, dstStride, rows, cols);
    }

    /// <summary>
    /// dst[j·dstStride + i] = src[i·srcStride + j] for i &lt; rows, j &lt; cols: 16 x 16 blocks in registers (AVX-512),
    /// the edges by <see cref="TransposeBy8"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose(float* src, long srcStride, float* dst, long dstStride, int rows, int cols)
    {
        int r16 = Transpose16.IsSupported ? rows / 16 * 16 : 0, c16 = r16 > 0 ? cols / 16 * 16 : 0;
        for (int i = 0; i < r16; i += 16)
            for (int j = 0; j < c16; j += 16) Transpose16.Block(src + i * srcStride + j, srcStride, dst + j * dstStride + i, dstStride);
        TransposeBy8(src + c16, srcStride, dst + c16 * dstStride, dstStride, r16, cols - c16);   // right of the blocks
        TransposeBy8(src + r16 * srcStride, srcStride, dst + r16, dstStride, rows - r16, cols);   // below them
    }

    /// <summary>As <see cref="Transpose(float*, long, float*, long, int, int)"/> by 8 x 8 blocks, scalar edges.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeBy8(float* src, long srcStride, float* dst, long dstStride, int rows, int cols)
    {
        int r8 = Transpose8.IsSupported ? rows / 8 * 8 : 0, c8 = cols / 8 * 8;
        // Strips of 16 rows where there are 16: a block writes 32 bytes to each of 8 rows of dst and the block below it
        // the next 32, so a 64-byte line of dst is written whole while it is in cache.
        for (int i = 0, strip; i < r8; i += strip)
        {
            strip = i + 16 <= r8 ? 16 : 8;
            for (int j = 0; j < c8; j += 8)
            {
                Transpose8.Block(src + i * srcStride + j, srcStride, dst + j * dstStride + i, dstStride);
                if (strip == 16) Transpose8.Block(src + (i + 8) * srcStride + j, srcStride, dst + j * dstStride + i + 8, dstStride);
            }
            for (int ii = i; ii < i + strip; ii++)
                for (int j = c8; j < cols; j++) dst[j * dstStride + ii] = src[ii * srcStride + j];
        }
        for (int i = r8; i < rows; i++)
            for (int j = 0; j < cols; j++) dst[j * dstStride + i] = src[i * srcStride + j];
    }
}
