using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepPassport.Engine.Kernels;

/// <summary>
/// C = op(A) * op(B) (+ C), row-major float32, in the classic packed-panel form: B is packed into K x NR
/// column panels, A into MR x K row panels, and a register-blocked micro-kernel computes one MR x NR tile of C
/// per call. The micro-kernel is chosen once at start-up: AVX-512 (8 x 32), AVX2 + FMA (6 x 16) or scalar.
/// <see cref="GemmReference"/> is the yardstick the tests hold every path to; GemmSplit.cs splits a product between
/// threads.
/// </summary>
public static unsafe partial class Gemm
{
    /// <summary>The micro-kernels this library can use.</summary>
    public enum Isa { Scalar, Avx2Fma, Avx512 }

    /// <summary>The best micro-kernel this CPU supports, chosen once.</summary>
    public static readonly Isa Best =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? Isa.Avx512 :
        Avx2.IsSupported && Fma.IsSupported ? Isa.Avx2Fma : Isa.Scalar;

    private const int KC = 256;   // depth of one packed block: A and B panels stay in L2
    private const int MC = 96;    // rows of A packed at once (a multiple of every MR)

    /// <summary>The depth of one packed K block: a product whose k is a multiple of it runs in whole blocks.</summary>
    public const int KBlock = KC;

    /// <summary>C = op(A) op(B), or C += op(A) op(B) when <paramref name="accumulate"/>; op(A) is m x k, op(B) is k x n.</summary>
    public static void Multiply(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, bool accumulate, bool parallel = false)
        => Multiply(Best, transA, transB, m, n, k, a, b, c, accumulate, parallel);

    public static void Multiply(Isa isa, bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, bool accumulate, bool parallel = false)
    {
        if (a.Length < (long)m * k || b.Length < (long)k * n || c.Length < (long)m * n)
            throw new ArgumentException($"GEMM buffers too small for m={m}, n={n}, k={k}.");
        if (m == 0 || n == 0) return;
        // Without accumulation the first K block stores its tiles instead of adding to C, so C is never cleared
        // first (a pass over C saved, and a pooled output need not be zeroed); with k = 0 C is just zero.
        if (k == 0) { if (!accumulate) c[..(m * n)].Clear(); return; }
        fixed (float* pa = a, pb = b, pc = c)
            Run(isa, transA, pa, null, transB, pb, pc, m, n, k, accumulate, parallel);
    }

    /// <summary>C = A op(B), or C += A op(B), with A packed beforehand (m x k): for a left factor used many times.</summary>
    public static void Multiply(PackedA a, bool transB, int n, ReadOnlySpan<float> b, Span<float> c, bool accumulate, bool parallel = false)
    {
        int m = a.M, k = a.K;
        if (b.Length < (long)k * n || c.Length < (long)m * n)
            throw new ArgumentException($"GEMM buffers too small for m={m}, n={n}, k={k}.");
        if (m == 0 || n == 0) return;
        if (k == 0) { if (!accumulate) c[..(m * n)].Clear(); return; }
        fixed (float* pap = a.Data, pb = b, pc = c)
            Run(a.Isa, false, null, pap, transB, pb, pc, m, n, k, accumulate, parallel);
    }

    /// <summary>
    /// C = op(A) B, or C += op(A) B, with B packed beforehand (k x n): for a right factor used many times. B is factor
    /// <paramref name="index"/> of the bank.
    /// </summary>
    public static void Multiply(bool transA, int m, ReadOnlySpan<float> a, PackedB b, Span<float> c, bool accumulate, int index = 0)
    {
        int n = b.N, k = b.K;
        if (a.Length < (long)m * k || c.Length < (long)m * n)
            throw new ArgumentException($"GEMM buffers too small for m={m}, n={n}, k={k}.");
        if ((uint)index >= (uint)b.Count) throw new ArgumentOutOfRangeException(nameof(index), $"factor {index} of a bank of {b.Count}");
        if (m == 0 || n == 0) return;
        if (k == 0) { if (!accumulate) c[..(m * n)].Clear(); return; }
        fixed (float* pa = a, pbp = b.Data, pc = c)
            Columns(b.Isa, transA, pa, null, false, null, pbp + b.Start + index * b.Stride, pc, m, n, k, n, accumulate, parallel: false);
    }

    /// <summary>
    /// C[:, 0:n] (+)= op(A) op(B)[:, 0:n], where B's rows (not transposed) and C's rows are ld long. B is packed here K block
    /// by K block, or comes packed whole (<paramref name="bPacked"/>, as <see cref="PackedB"/> lays it out).
    /// </summary>
    private static void Columns(Isa isa, bool transA, float* a, float* aPacked, bool transB, float* b, float* bPacked, float* c,
        int m, int n, int k, int ld, bool accumulate, bool parallel)
    {
        var (mr, nr) = TileOf(isa);
        int nPanels = (n + nr - 1) / nr, mPad = (m + mr - 1) / mr * mr;
        float[]? bPack = bPacked is null ? ArrayPoolF.Rent(nPanels * nr * Math.Min(k, KC) + 16) : null;
        try
        {
            fixed (float* pbp0 = bPack)
                for (int p0 = 0; p0 < k; p0 += KC)
                {
                    int kc = Math.Min(KC, k - p0);
                    float* pbp = bPacked is null ? Align64(pbp0) : bPacked + (long)nPanels * nr * p0;
                    if (bPacked is null) PackB(transB, b, n, k, ld, p0, kc, nr, pbp);
                    int mBlocks = (m + MC - 1) / MC;
                    var job = new Job(isa, transA, a, aPacked is null ? null : aPacked + (long)mPad * p0, pbp, c, m, n, k, ld, p0, kc, mr, nr, store: !accumulate && p0 == 0);
                    if (parallel && mBlocks > 1 && Parallelism.Degree > 1)
                        Parallelism.For(0, mBlocks, job.RunBlock);
                    else
                        for (int ib = 0; ib < mBlocks; ib++) job.RunBlock(ib);
                }
        }
        finally { if (bPack is not null) ArrayPoolF.Return(bPack); }
    }

    /// <summary>
    /// Where element (row, col) of a k-row factor packed whole lies (<see cref="PackAllB"/>): in the K block of its row
    /// (p0, kc rows), in the panel of its column, at its row and column within them.
    /// </summary>
    internal static long PackedOffset(int k, int n, int nr, int row, int col)
    {
        int p0 = row / KC * KC, kc = Math.Min(KC, k - p0);
        long nPanels = (n + nr - 1) / nr;
        return nPanels * nr * p0 + (long)(col / nr) * nr * kc + (long)(row - p0) * nr + col % nr;
    }

    /// <summary>Packs all of op(B) (k x n) as <see cref="Columns"/> reads it: K block p0 at nPanels·nr·p0, panel j at j·nr·kc.</summary>
    internal static void PackAllB(bool transB, float* b, int k, int n, int nr, float* dst)
    {
        int nPanels = (n + nr - 1) / nr;
        for (int p0 = 0; p0 < k; p0 += KC) PackB(transB, b, n, k, n, p0, Math.Min(KC, k - p0), nr, dst + (long)nPanels * nr * p0);
    }

    /// <summary>
    /// The first 64-byte boundary at or after p: a 512-bit load that straddles two cache lines costs two, so packed
    /// panels start on a line (buffers are rented 16 floats longer and used only inside one fixed block).
    /// </summary>
    private static float* Align64(float* p) => (float*)(((nint)p + 63) & ~(nint)63);

    internal static (int mr, int nr) TileOf(Isa isa) => isa switch
    {
        Isa.Avx512 => (8, 32),
        Isa.Avx2Fma => (6, 16),
        _ => (4, 4),
    };

    /// <summary>
    /// Products with at most this many columns read A in place (a last panel of fewer than mr rows is still packed): a
    /// packed panel of A would serve only n / nr panels of B, and packing it costs about as much as reading it (the
    /// Winograd products of ResNet-18's 64-channel layers, n = 64, spent 11 % of their time packing A with AVX-512, and
    /// packing A was 11 % of a whole ResNet-18 step with AVX2).
    /// </summary>
    internal const int InPlaceMaxColumns = 128;

    /// <summary>
    /// One K-block of the product, split into M-blocks that may run on different threads. A comes packed for this
    /// K block (panel of rows i at i * kc), is packed here block by block, or is read in place (<see cref="InPlaceMaxColumns"/>).
    /// With <paramref name="store"/> (the first K block of a product that does not accumulate) the tiles overwrite C
    /// instead of adding to it.
    /// </summary>
    private readonly struct Job(Isa isa, bool transA, float* a, float* aPacked, float* bPack, float* c, int m, int n, int k, int ldc, int p0, int kc, int mr, int nr, bool store)
    {
        private readonly nint _a = (nint)a, _aPacked = (nint)aPacked, _bPack = (nint)bPack, _c = (nint)c;
        private readonly bool _inPlace = aPacked is null && isa != Isa.Scalar && n <= InPlaceMaxColumns;

        public void RunBlock(int ib)
        {
            int i0 = ib * MC, mc = Math.Min(MC, m - i0);
            int mPanels = (mc + mr - 1) / mr, full = mc / mr * mr;
            // In place, only a last partial panel is packed (at the start of the buffer).
            float[]? aPack = _aPacked != 0 || (_inPlace && full == mc) ? null : ArrayPoolF.Rent((_inPlace ? 1 : mPanels) * mr * kc + 16);
            Span<float> edge = stackalloc float[8 * 32 + 16];
            fixed (float* pOwn = aPack, pedge0 = edge)
            {
                float* pap = Align64(pOwn), pedge = Align64(pedge0);
                if (_aPacked != 0) pap = (float*)_aPacked + (long)i0 * kc;
                else if (!_inPlace) PackA(transA, (float*)_a, m, k, i0, mc, p0, kc, mr, pap);
                else if (full < mc) PackA(transA, (float*)_a, m, k, i0 + full, mc - full, p0, kc, mr, pap);
                for (int j0 = 0; j0 < n; j0 += nr)
                {
                    int nrr = Math.Min(nr, n - j0);
                    float* bp = (float*)_bPack + (long)(j0 / nr) * nr * kc;
                    for (int ii = 0; ii < mc; ii += mr)
                    {
                        int mrr = Math.Min(mr, mc - ii);
                        // Element (r, p) of this panel of op(A) is at ap[r·rs + p·ps].
                        float* ap; nint rs = 1, ps = mr;
                        if (!_inPlace) ap = pap + (long)(ii / mr) * mr * kc;
                        else if (ii == full) ap = pap;
                        else if (transA) { ap = (float*)_a + (long)p0 * m + i0 + ii; ps = m; }
                        else { ap = (float*)_a + (long)(i0 + ii) * k + p0; rs = k; ps = 1; }
                        float* cTile = (float*)_c + (long)(i0 + ii) * ldc + j0;
                        if (mrr == mr && nrr == nr) Kernel(isa, kc, ap, rs, ps, bp, cTile, ldc, store);
                        else
                        {
                            // Edge tile: compute a full tile into scratch, then store or add the valid part.
                            Kernel(isa, kc, ap, rs, ps, bp, pedge, nr, store: true);
                            for (int r = 0; r < mrr; r++)
                            {
                                float* cr = cTile + (long)r * ldc, er = pedge + r * nr;
                                if (store) for (int q = 0; q < nrr; q++) cr[q] = er[q];
                                else for (int q = 0; q < nrr; q++) cr[q] += er[q];
                            }
                        }
                    }
                }
            }
            if (aPack is not null) ArrayPoolF.Return(aPack);
        }
    }

    /// <summary>
    /// Packs all of op(A) (m x k) as <see cref="Run"/> reads it: K block p0 at mPad * p0, row panel i at i * kc; with
    /// <paramref name="parallel"/>, blocks of <see cref="MC"/> rows on different threads. Returns dst.
    /// </summary>
    internal static float* PackAll(bool transA, float* a, int m, int k, int mr, float* dst, bool parallel = false)
    {
        int mPad = (m + mr - 1) / mr * mr, blocks = (m + MC - 1) / MC;
        nint pa = (nint)a, pd = (nint)dst;
        void Rows(int ib)
        {
            int i0 = ib * MC, mc = Math.Min(MC, m - i0);
            for (int p0 = 0; p0 < k; p0 += KC)
            {
                int kc = Math.Min(KC, k - p0);
                PackA(transA, (float*)pa, m, k, i0, mc, p0, kc, mr, (float*)pd + (long)mPad * p0 + (long)i0 * kc);
            }
        }
        if (parallel) Parallelism.For(0, blocks, Rows);
        else for (int ib = 0; ib < blocks; ib++) Rows(ib);
        return dst;
    }

    /// <summary>One tile by the ISA's micro-kernel; element (r, p) of the A panel at ap[r·rs + p·ps] (rs 1, ps mr when packed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel(Isa isa, int kc, float* ap, nint rs, nint ps, float* bp, float* c, int ldc, bool store)
    {
        switch (isa)
        {
            case Isa.Avx512 when rs == 1 && ps == 8: Kernel8x32(kc, ap, bp, c, ldc, store); break;
            case Isa.Avx512: Kernel8x32InPlace(kc, ap, rs, ps, bp, c, ldc, store); break;
            case Isa.Avx2Fma when rs == 1 && ps == 6: Kernel6x16(kc, ap, bp, c, ldc, store); break;
            case Isa.Avx2Fma: Kernel6x16InPlace(kc, ap, rs, ps, bp, c, ldc, store); break;
            default: Kernel4x4(kc, ap, bp, c, ldc, store); break;
        }
    }

    /// <summary>
    /// B[p0:p0+kc, 0:n] into panels of nr columns, each panel kc rows of nr values, zero padded. Rows of B are ld
    /// long; transposed, B^T's rows are k long and are read along their length.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // full code from the first call, no tier-0 warm-up
    private static void PackB(bool transB, float* b, int n, int k, int ld, int p0, int kc, int nr, float* dst)
    {
        if (!transB)
        {
            // Row by row of B, each row cut into the panels: B is read along its rows (a convolution's im2col
            // columns are rows thousands of floats long, and reading one panel's 32 floats from each of 256 such rows
            // stalled on a new page at every row).
            int full = n / nr, w = n - full * nr;
            long panel = (long)nr * kc;
            for (int p = 0; p < kc; p++)
            {
                float* src = b + (long)(p0 + p) * ld, d = dst + p * nr;
                for (int j = 0; j < full; j++, src += nr, d += panel)
                {
                    int q = 0;
                    if (Lanes.Width == 16)
                        for (; q <= nr - 16; q += 16) Vector512.Store(Vector512.Load(src + q), d + q);
                    else if (Lanes.Width == 8)
                        for (; q <= nr - 8; q += 8) Vector256.Store(Vector256.Load(src + q), d + q);
                    for (; q < nr; q++) d[q] = src[q];
                }
                if (w > 0)
                {
                    for (int q = 0; q < w; q++) d[q] = src[q];
                    for (int q = w; q < nr; q++) d[q] = 0;
                }
            }
            return;
        }
        for (int j0 = 0; j0 < n; j0 += nr)
        {
            int w = Math.Min(nr, n - j0);
            // Rows of B^T become columns of the panel: 8 x 8 transposes where whole blocks fit, scalar elsewhere.
            int q8 = Transpose8.IsSupported ? w / 8 * 8 : 0, p8 = kc / 8 * 8;
            for (int q = 0; q < q8; q += 8)
                for (int p = 0; p < p8; p += 8)
                    Transpose8.Block(b + (long)(j0 + q) * k + p0 + p, k, dst + p * nr + q, nr);
            for (int q = 0; q < w; q++)
            {
                float* src = b + (long)(j0 + q) * k + p0;
                for (int p = q < q8 ? p8 : 0; p < kc; p++) dst[p * nr + q] = src[p];
            }
            if (w < nr)
                for (int p = 0; p < kc; p++) new Span<float>(dst + p * nr + w, nr - w).Clear();
            dst += (long)nr * kc;
        }
    }

    /// <summary>A[i0:i0+mc, p0:p0+kc] into panels of mr rows, each kc columns of mr values, zero padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // full code from the first call, no tier-0 warm-up
    private static void PackA(bool transA, float* a, int m, int k, int i0, int mc, int p0, int kc, int mr, float* dst)
    {
        for (int ii = 0; ii < mc; ii += mr)
        {
            int h = Math.Min(mr, mc - ii);
            if (!transA)
            {
                // Read each row of A along its length; write it down the panel with stride mr (8 x 8 transposes for
                // whole blocks of the AVX-512 panel, 6 x 8 ones for the AVX2 panel, whose last block spills into the
                // first step after it: that step is written by the scalar loop, so the blocks stop one short of kc).
                int p8 = !Transpose8.IsSupported || h != mr ? 0 : mr == 8 ? kc / 8 * 8 : mr == 6 ? (kc - 1) / 8 * 8 : 0;
                for (int p = 0; p < p8; p += 8)
                    if (mr == 8) Transpose8.Block(a + (long)(i0 + ii) * k + p0 + p, k, dst + p * mr, mr);
                    else Transpose8.Block6(a + (long)(i0 + ii) * k + p0 + p, k, dst + p * mr);
                for (int r = 0; r < h; r++)
                {
                    float* src = a + (long)(i0 + ii + r) * k + p0;
                    for (int p = p8; p < kc; p++) dst[p * mr + r] = src[p];
                }
                if (h < mr)
                    for (int p = 0; p < kc; p++) new Span<float>(dst + p * mr + h, mr - h).Clear();
            }
            else if (h == 8 && mr == 8)
                // A whole AVX-512 panel of op(A) = Aᵀ: each step's 8 values are 8 consecutive floats of a row of A.
                for (int p = 0; p < kc; p++) Vector256.Load(a + (long)(p0 + p) * m + i0 + ii).Store(dst + p * 8);
            else
                for (int p = 0; p < kc; p++)
                {
                    float* d = dst + p * mr, src = a + (long)(p0 + p) * m + i0 + ii;
                    for (int r = 0; r < h; r++) d[r] = src[r];
                    for (int r = h; r < mr; r++) d[r] = 0;
                }
            dst += (long)mr * kc;
        }
    }

    /// <summary>C[8 x 32] += Apanel * Bpanel (= with <paramref name="store"/>) with 16 zmm accumulators; A packed, (r, p) at ap[8p + r].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // full code from the first call, no tier-0 warm-up
    private static void Kernel8x32(int kc, float* ap, float* bp, float* c, int ldc, bool store)
    {
        PrefetchTile(c, ldc);
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default,
            c60 = default, c61 = default, c70 = default, c71 = default;
        // Two steps of p a trip, so the loop's own instructions (pointer bumps, compare, branch) take half the issue
        // slots they would; an odd kc ends with one more step. With rs = 1 every row is a fixed offset from ap.
        float* end = ap + 8 * (kc & ~1);
        for (; ap < end; ap += 16, bp += 64)
        {
            Step8x32(ap, ap + 3, ap + 6, 1, bp, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51, ref c60, ref c61, ref c70, ref c71);
            Step8x32(ap + 8, ap + 11, ap + 14, 1, bp + 32, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51, ref c60, ref c61, ref c70, ref c71);
        }
        if ((kc & 1) != 0)
            Step8x32(ap, ap + 3, ap + 6, 1, bp, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51, ref c60, ref c61, ref c70, ref c71);
        PutTile8x32(c, ldc, store, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71);
    }

    /// <summary>
    /// <see cref="Kernel8x32"/> with A read in place: element (r, p) of the panel at a[r·rs + p·ps], from op(A) = Aᵀ
    /// (rs 1, ps = A's row length) or from A itself (rs = its row length, ps 1). A kernel of its own: taking the packed
    /// panel as rs 1, ps 8 through this one made ResNet-18's 512-channel convolution 7 % slower (alternated in one process).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // full code from the first call, no tier-0 warm-up
    private static void Kernel8x32InPlace(int kc, float* a, nint rs, nint ps, float* bp, float* c, int ldc, bool store)
    {
        PrefetchTile(c, ldc);
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default,
            c60 = default, c61 = default, c70 = default, c71 = default;
        // Rows 0-2, 3-5 and 6-7 are read from three pointers, each at +0, +rs, +2rs: x86 addresses scale an index by
        // 1, 2, 4 or 8 only.
        float* a0 = a, a3 = a + 3 * rs, a6 = a + 6 * rs;
        float* end = a + ps * (kc & ~1);
        for (; a0 < end; a0 += 2 * ps, a3 += 2 * ps, a6 += 2 * ps, bp += 64)
        {
            Step8x32(a0, a3, a6, rs, bp, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51, ref c60, ref c61, ref c70, ref c71);
            Step8x32(a0 + ps, a3 + ps, a6 + ps, rs, bp + 32, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51, ref c60, ref c61, ref c70, ref c71);
        }
        if ((kc & 1) != 0)
            Step8x32(a0, a3, a6, rs, bp, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51, ref c60, ref c61, ref c70, ref c71);
        PutTile8x32(c, ldc, store, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71);
    }

    /// <summary>Asks for the C tile (rows x last + 1) before the products: its rows are far apart (often in L3), and the loads at the end would stall.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchTile(float* c, int ldc, int rows = 8, int last = 31)
    {
        for (int r = 0; r < rows; r++)
        {
            Sse.Prefetch0(c + (long)r * ldc);
            Sse.Prefetch0(c + (long)r * ldc + last);
        }
    }

    /// <summary>The 8 x 32 tile's rows into C (added to it unless <paramref name="store"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PutTile8x32(float* c, int ldc, bool store, Vector512<float> c00, Vector512<float> c01, Vector512<float> c10, Vector512<float> c11,
        Vector512<float> c20, Vector512<float> c21, Vector512<float> c30, Vector512<float> c31, Vector512<float> c40, Vector512<float> c41,
        Vector512<float> c50, Vector512<float> c51, Vector512<float> c60, Vector512<float> c61, Vector512<float> c70, Vector512<float> c71)
    {
        Put512(c, c00, c01, store); c += ldc; Put512(c, c10, c11, store); c += ldc; Put512(c, c20, c21, store); c += ldc; Put512(c, c30, c31, store); c += ldc;
        Put512(c, c40, c41, store); c += ldc; Put512(c, c50, c51, store); c += ldc; Put512(c, c60, c61, store); c += ldc; Put512(c, c70, c71, store);
    }

    /// <summary>
    /// One step p of the 8 x 32 tile: row r += A[r] * bp[0:32], rows 0-2 at a0 + {0, rs, 2rs}, 3-5 at a3 + …, 6-7 at
    /// a6 + …. Row 2rs is written as a byte offset of 8·rs, which the JIT takes as the address [a0 + rs·8].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step8x32(float* a0, float* a3, float* a6, nint rs, float* bp, ref Vector512<float> c00, ref Vector512<float> c01, ref Vector512<float> c10, ref Vector512<float> c11,
        ref Vector512<float> c20, ref Vector512<float> c21, ref Vector512<float> c30, ref Vector512<float> c31, ref Vector512<float> c40, ref Vector512<float> c41,
        ref Vector512<float> c50, ref Vector512<float> c51, ref Vector512<float> c60, ref Vector512<float> c61, ref Vector512<float> c70, ref Vector512<float> c71)
    {
        var b0 = Vector512.Load(bp); var b1 = Vector512.Load(bp + 16);
        var a = Vector512.Create(a0[0]); c00 = Vector512.FusedMultiplyAdd(a, b0, c00); c01 = Vector512.FusedMultiplyAdd(a, b1, c01);
        a = Vector512.Create(a0[rs]); c10 = Vector512.FusedMultiplyAdd(a, b0, c10); c11 = Vector512.FusedMultiplyAdd(a, b1, c11);
        a = Vector512.Create(*(float*)((byte*)a0 + 8 * rs)); c20 = Vector512.FusedMultiplyAdd(a, b0, c20); c21 = Vector512.FusedMultiplyAdd(a, b1, c21);
        a = Vector512.Create(a3[0]); c30 = Vector512.FusedMultiplyAdd(a, b0, c30); c31 = Vector512.FusedMultiplyAdd(a, b1, c31);
        a = Vector512.Create(a3[rs]); c40 = Vector512.FusedMultiplyAdd(a, b0, c40); c41 = Vector512.FusedMultiplyAdd(a, b1, c41);
        a = Vector512.Create(*(float*)((byte*)a3 + 8 * rs)); c50 = Vector512.FusedMultiplyAdd(a, b0, c50); c51 = Vector512.FusedMultiplyAdd(a, b1, c51);
        a = Vector512.Create(a6[0]); c60 = Vector512.FusedMultiplyAdd(a, b0, c60); c61 = Vector512.FusedMultiplyAdd(a, b1, c61);
        a = Vector512.Create(a6[rs]); c70 = Vector512.FusedMultiplyAdd(a, b0, c70); c71 = Vector512.FusedMultiplyAdd(a, b1, c71);
    }

    /// <summary>One row of a tile: c[0:32] = (v0, v1), or += when not <paramref name="store"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put512(float* c, Vector512<float> v0, Vector512<float> v1, bool store)
    {
        if (!store) { v0 += Vector512.Load(c); v1 += Vector512.Load(c + 16); }
        v0.Store(c);
        v1.Store(c + 16);
    }

    /// <summary>C[6 x 16] += Apanel * Bpanel (= with <paramref name="store"/>) with 12 ymm accumulators; A packed, (r, p) at ap[6p + r].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // full code from the first call, no tier-0 warm-up
    private static void Kernel6x16(int kc, float* ap, float* bp, float* c, int ldc, bool store)
    {
        PrefetchTile(c, ldc, 6, 15);
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        // Two steps of p a trip, as in Kernel8x32.
        float* end = ap + 6 * (kc & ~1);
        for (; ap < end; ap += 12, bp += 32)
        {
            Step6x16(ap, ap + 3, 1, bp, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
            Step6x16(ap + 6, ap + 9, 1, bp + 16, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
        }
        if ((kc & 1) != 0)
            Step6x16(ap, ap + 3, 1, bp, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
        PutTile6x16(c, ldc, store, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51);
    }

    /// <summary><see cref="Kernel6x16"/> with A read in place, element (r, p) at a[r·rs + p·ps], as <see cref="Kernel8x32InPlace"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // full code from the first call, no tier-0 warm-up
    private static void Kernel6x16InPlace(int kc, float* a, nint rs, nint ps, float* bp, float* c, int ldc, bool store)
    {
        PrefetchTile(c, ldc, 6, 15);
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        float* a0 = a, a3 = a + 3 * rs;
        float* end = a + ps * (kc & ~1);
        for (; a0 < end; a0 += 2 * ps, a3 += 2 * ps, bp += 32)
        {
            Step6x16(a0, a3, rs, bp, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
            Step6x16(a0 + ps, a3 + ps, rs, bp + 16, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
        }
        if ((kc & 1) != 0)
            Step6x16(a0, a3, rs, bp, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
        PutTile6x16(c, ldc, store, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51);
    }

    /// <summary>One step p of the 6 x 16 tile: rows 0-2 at a0 + {0, rs, 2rs}, 3-5 at a3 + … (as <see cref="Step8x32"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step6x16(float* a0, float* a3, nint rs, float* bp, ref Vector256<float> c00, ref Vector256<float> c01, ref Vector256<float> c10, ref Vector256<float> c11,
        ref Vector256<float> c20, ref Vector256<float> c21, ref Vector256<float> c30, ref Vector256<float> c31, ref Vector256<float> c40, ref Vector256<float> c41,
        ref Vector256<float> c50, ref Vector256<float> c51)
    {
        var b0 = Vector256.Load(bp); var b1 = Vector256.Load(bp + 8);
        var a = Vector256.Create(a0[0]); c00 = Fma.MultiplyAdd(a, b0, c00); c01 = Fma.MultiplyAdd(a, b1, c01);
        a = Vector256.Create(a0[rs]); c10 = Fma.MultiplyAdd(a, b0, c10); c11 = Fma.MultiplyAdd(a, b1, c11);
        a = Vector256.Create(*(float*)((byte*)a0 + 8 * rs)); c20 = Fma.MultiplyAdd(a, b0, c20); c21 = Fma.MultiplyAdd(a, b1, c21);
        a = Vector256.Create(a3[0]); c30 = Fma.MultiplyAdd(a, b0, c30); c31 = Fma.MultiplyAdd(a, b1, c31);
        a = Vector256.Create(a3[rs]); c40 = Fma.MultiplyAdd(a, b0, c40); c41 = Fma.MultiplyAdd(a, b1, c41);
        a = Vector256.Create(*(float*)((byte*)a3 + 8 * rs)); c50 = Fma.MultiplyAdd(a, b0, c50); c51 = Fma.MultiplyAdd(a, b1, c51);
    }

    /// <summary>The 6 x 16 tile's rows into C (added to it unless <paramref name="store"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PutTile6x16(float* c, int ldc, bool store, Vector256<float> c00, Vector256<float> c01, Vector256<float> c10, Vector256<float> c11,
        Vector256<float> c20, Vector256<float> c21, Vector256<float> c30, Vector256<float> c31, Vector256<float> c40, Vector256<float> c41,
        Vector256<float> c50, Vector256<float> c51)
    {
        Put256(c, c00, c01, store); c += ldc; Put256(c, c10, c11, store); c += ldc; Put256(c, c20, c21, store); c += ldc;
        Put256(c, c30, c31, store); c += ldc; Put256(c, c40, c41, store); c += ldc; Put256(c, c50, c51, store);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put256(float* c, Vector256<float> v0, Vector256<float> v1, bool store)
    {
        if (!store) { v0 += Vector256.Load(c); v1 += Vector256.Load(c + 8); }
        v0.Store(c);
        v1.Store(c + 8);
    }

    /// <summary>C[4 x 4] += Apanel * Bpanel, plain scalar code for CPUs without AVX2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // full code from the first call, no tier-0 warm-up
    private static void Kernel4x4(int kc, float* ap, float* bp, float* c, int ldc, bool store)
    {
        Span<float> acc = stackalloc float[16];
        for (int p = 0; p < kc; p++, ap += 4, bp += 4)
            for (int r = 0; r < 4; r++)
            {
                float av = ap[r];
                for (int q = 0; q < 4; q++) acc[r * 4 + q] += av * bp[q];
            }
        for (int r = 0; r < 4; r++)
            for (int q = 0; q < 4; q++) c[(long)r * ldc + q] = (store ? 0 : c[(long)r * ldc + q]) + acc[r * 4 + q];
    }
}
