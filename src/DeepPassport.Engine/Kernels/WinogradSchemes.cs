using System.Runtime.CompilerServices;

namespace DeepPassport.Engine.Kernels;

/// <summary>
/// One Winograd minimal filtering F(m x m, r x r) (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks",
/// 2016): an m x m output tile of an r x r convolution (stride 1, padding (r − 1)/2) is Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A,
/// where d is the α x α input tile around it, α = m + r − 1. Its tile transforms run on the channels of one tile at a
/// time, as many as the lanes <typeparamref name="L"/> hold (16, 8, or 1 for a tail); position ξ = α·a + b of a
/// transformed tile is at <c>ξ·step</c> from its first.
/// </summary>
internal unsafe interface IWinogradScheme
{
    /// <summary>The output tile side m.</summary>
    static abstract int M { get; }
    /// <summary>The filter side r.</summary>
    static abstract int R { get; }

    /// <summary>V = Bᵀ d B; d[a][b] at d + a·row + b·px.</summary>
    static abstract void Input<L>(float* d, long row, long px, float* v, long step) where L : unmanaged, ILanes<L>;
    /// <summary>y = Aᵀ m A + bias; y[i][j] at y + i·row + j·px.</summary>
    static abstract void Output<L>(float* m, long step, float* y, long row, long px, L bias) where L : unmanaged, ILanes<L>;
    /// <summary>dM = A dy Aᵀ, the adjoint of <see cref="Output{L}"/> without bias.</summary>
    static abstract void OutputAdjoint<L>(float* dy, long row, long px, float* dm, long step) where L : unmanaged, ILanes<L>;
    /// <summary>U = G g Gᵀ; g[p][q] at g + (r·p + q)·gStep.</summary>
    static abstract void Filter<L>(float* g, long gStep, float* u, long step) where L : unmanaged, ILanes<L>;
    /// <summary>dg = Gᵀ dU G, the adjoint of <see cref="Filter{L}"/>.</summary>
    static abstract void FilterAdjoint<L>(float* du, long step, float* dg, long gStep) where L : unmanaged, ILanes<L>;
}

/// <summary>
/// F(2x2, 3x3), α = 4: 16 products per output tile where direct convolution needs 36.
/// <code>
///   Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]   G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1]   Aᵀ = [1 1 1 0; 0 1 -1 -1]
/// </code>
/// </summary>
[SkipLocalsInit]   // every stackalloc'd tile is written before it is read
internal readonly unsafe struct WinogradF2x3 : IWinogradScheme
{
    public static int M => 2;
    public static int R => 3;

    public static void Input<L>(float* d, long row, long px, float* v, long step) where L : unmanaged, ILanes<L>
    {
        // Bᵀ down each column b (t[a][b]), then the same along each row a: V[4a + b].
        L* t = stackalloc L[16];
        for (int b = 0; b < 4; b++, d += px)
            (t[b], t[4 + b], t[8 + b], t[12 + b]) = Bt(L.Load(d), L.Load(d + row), L.Load(d + 2 * row), L.Load(d + 3 * row));
        for (int a = 0; a < 4; a++, v += 4 * step)
        {
            var (v0, v1, v2, v3) = Bt(t[4 * a], t[4 * a + 1], t[4 * a + 2], t[4 * a + 3]);
            L.Store(v0, v); L.Store(v1, v + step); L.Store(v2, v + 2 * step); L.Store(v3, v + 3 * step);
        }
    }

    public static void Output<L>(float* m, long step, float* y, long row, long px, L bias) where L : unmanaged, ILanes<L>
    {
        // Aᵀ down each column b (s[i][b]), then the same along each row i.
        L* s = stackalloc L[8];
        for (int b = 0; b < 4; b++, m += step)
            (s[b], s[4 + b]) = At(L.Load(m), L.Load(m + 4 * step), L.Load(m + 8 * step), L.Load(m + 12 * step));
        for (int i = 0; i < 2; i++, y += row)
        {
            var (y0, y1) = At(s[4 * i], s[4 * i + 1], s[4 * i + 2], s[4 * i + 3]);
            L.Store(y0 + bias, y); L.Store(y1 + bias, y + px);
        }
    }

    public static void OutputAdjoint<L>(float* dy, long row, long px, float* dm, long step) where L : unmanaged, ILanes<L>
    {
        // A along each row i (t[i][b]), then the same down each column b: dM[4a + b].
        var (t00, t01, t02, t03) = A(L.Load(dy), L.Load(dy + px));
        var (t10, t11, t12, t13) = A(L.Load(dy + row), L.Load(dy + row + px));
        StoreColumn<L>(A(t00, t10), dm, step);
        StoreColumn<L>(A(t01, t11), dm + step, step);
        StoreColumn<L>(A(t02, t12), dm + 2 * step, step);
        StoreColumn<L>(A(t03, t13), dm + 3 * step, step);
    }

    public static void Filter<L>(float* g, long gStep, float* u, long step) where L : unmanaged, ILanes<L>
    {
        // G g down each column q (gg[a][q]), then the same along each row a: U[4a + b].
        L* gg = stackalloc L[12];
        for (int q = 0; q < 3; q++)
            (gg[q], gg[3 + q], gg[6 + q], gg[9 + q]) = G(L.Load(g + q * gStep), L.Load(g + (3 + q) * gStep), L.Load(g + (6 + q) * gStep));
        for (int a = 0; a < 4; a++, u += 4 * step)
        {
            var (u0, u1, u2, u3) = G(gg[3 * a], gg[3 * a + 1], gg[3 * a + 2]);
            L.Store(u0, u); L.Store(u1, u + step); L.Store(u2, u + 2 * step); L.Store(u3, u + 3 * step);
        }
    }

    public static void FilterAdjoint<L>(float* du, long step, float* dg, long gStep) where L : unmanaged, ILanes<L>
    {
        // dU G along each row a (e[a][q]), then Gᵀ (·) down each column q.
        L* e = stackalloc L[12];
        for (int a = 0; a < 4; a++, du += 4 * step)
            (e[3 * a], e[3 * a + 1], e[3 * a + 2]) = Gt(L.Load(du), L.Load(du + step), L.Load(du + 2 * step), L.Load(du + 3 * step));
        for (int q = 0; q < 3; q++)
        {
            var (g0, g1, g2) = Gt(e[q], e[3 + q], e[6 + q], e[9 + q]);
            L.Store(g0, dg + q * gStep); L.Store(g1, dg + (3 + q) * gStep); L.Store(g2, dg + (6 + q) * gStep);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (L, L, L, L) Bt<L>(L d0, L d1, L d2, L d3) where L : unmanaged, ILanes<L>
        => (d0 - d2, d1 + d2, d2 - d1, d1 - d3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (L, L) At<L>(L m0, L m1, L m2, L m3) where L : unmanaged, ILanes<L>
        => (m0 + m1 + m2, m1 - m2 - m3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (L, L, L, L) A<L>(L p, L q) where L : unmanaged, ILanes<L>
        => (p, p + q, p - q, -q);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (L, L, L, L) G<L>(L g0, L g1, L g2) where L : unmanaged, ILanes<L>
        => (g0, 0.5f * (g0 + g1 + g2), 0.5f * (g0 - g1 + g2), g2);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (L, L, L) Gt<L>(L d0, L d1, L d2, L d3) where L : unmanaged, ILanes<L>
        => (d0 + 0.5f * (d1 + d2), 0.5f * (d1 - d2), 0.5f * (d1 + d2) + d3);

    /// <summary>Column b of a transformed tile: positions b, 4 + b, 8 + b, 12 + b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreColumn<L>((L, L, L, L) v, float* dst, long step) where L : unmanaged, ILanes<L>
    {
        L.Store(v.Item1, dst); L.Store(v.Item2, dst + 4 * step); L.Store(v.Item3, dst + 8 * step); L.Store(v.Item4, dst + 12 * step);
    }
}

/// <summary>
/// F(2x2, 5x5), α = 6, at the points 0, ±1, ±2, ∞: 36 products per output tile where direct convolution needs 100.
/// <code>
///   Bᵀ = [4  0 -5  0 1 0;   G = [ ¼     0     0    0    0  ;   Aᵀ = [1 1  1 1  1 0;
///         0 -4 -4  1 1 0;        -⅙    -⅙    -⅙   -⅙   -⅙  ;         0 1 -1 2 -2 1]
///         0  4 -4 -1 1 0;        -⅙     ⅙    -⅙    ⅙   -⅙  ;
///         0 -2 -1  2 1 0;        1/24  2/24  4/24 8/24 16/24;
///         0  2 -1 -2 1 0;        1/24 -2/24  4/24 -8/24 16/24;
///         0  4  0 -5 0 1]         0     0     0    0    1  ]
/// </code>
/// (Bᵀ is the same as F(4x4, 3x3)'s: it depends only on the points.)
/// </summary>
[SkipLocalsInit]   // every stackalloc'd tile is written before it is read
internal readonly unsafe struct WinogradF2x5 : IWinogradScheme
{
    public static int M => 2;
    public static int R => 5;

    public static void Input<L>(float* d, long row, long px, float* v, long step) where L : unmanaged, ILanes<L>
    {
        // Bᵀ down each column b (t[a][b]), then the same along each row a: V[6a + b].
        L* tile = stackalloc L[36];
        float* t = (float*)tile;
        int n = L.Count;
        for (int b = 0; b < 6; b++) Bt<L>(d + b * px, row, t + b * n, 6 * n);
        for (int a = 0; a < 6; a++) Bt<L>(t + 6 * a * n, n, v + 6 * a * step, step);
    }

    public static void Output<L>(float* m, long step, float* y, long row, long px, L bias) where L : unmanaged, ILanes<L>
    {
        // Aᵀ down each column b (s[i][b]), then the same along each row i.
        L* s = stackalloc L[12];
        for (int b = 0; b < 6; b++, m += step)
            (s[b], s[6 + b]) = At(L.Load(m), L.Load(m + 6 * step), L.Load(m + 12 * step), L.Load(m + 18 * step), L.Load(m + 24 * step), L.Load(m + 30 * step));
        for (int i = 0; i < 2; i++, y += row)
        {
            var (y0, y1) = At(s[6 * i], s[6 * i + 1], s[6 * i + 2], s[6 * i + 3], s[6 * i + 4], s[6 * i + 5]);
            L.Store(y0 + bias, y); L.Store(y1 + bias, y + px);
        }
    }

    public static void OutputAdjoint<L>(float* dy, long row, long px, float* dm, long step) where L : unmanaged, ILanes<L>
    {
        // A along each row i (t[i][b]), then the same down each column b: dM[6a + b].
        L* tile = stackalloc L[12];
        float* t = (float*)tile;
        int n = L.Count;
        for (int i = 0; i < 2; i++) A<L>(dy + i * row, px, t + 6 * i * n, n);
        for (int b = 0; b < 6; b++) A<L>(t + b * n, 6 * n, dm + b * step, 6 * step);
    }

    public static void Filter<L>(float* g, long gStep, float* u, long step) where L : unmanaged, ILanes<L>
    {
        // G g down each column q (gg[a][q]), then the same along each row a: U[6a + b].
        L* tile = stackalloc L[30];
        float* gg = (float*)tile;
        int n = L.Count;
        for (int q = 0; q < 5; q++) G<L>(g + q * gStep, 5 * gStep, gg + q * n, 5 * n);
        for (int a = 0; a < 6; a++) G<L>(gg + 5 * a * n, n, u + 6 * a * step, step);
    }

    public static void FilterAdjoint<L>(float* du, long step, float* dg, long gStep) where L : unmanaged, ILanes<L>
    {
        // dU G along each row a (e[a][q]), then Gᵀ (·) down each column q.
        L* tile = stackalloc L[30];
        float* e = (float*)tile;
        int n = L.Count;
        for (int a = 0; a < 6; a++) Gt<L>(du + 6 * a * step, step, e + 5 * a * n, n);
        for (int q = 0; q < 5; q++) Gt<L>(e + q * n, 5 * n, dg + q * gStep, 5 * gStep);
    }

    /// <summary>Bᵀ x for the six lanes at x, x + xs, …, x + 5·xs into y, y + ys, …, y + 5·ys.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Bt<L>(float* x, long xs, float* y, long ys) where L : unmanaged, ILanes<L>
    {
        L d0 = L.Load(x), d1 = L.Load(x + xs), d2 = L.Load(x + 2 * xs), d3 = L.Load(x + 3 * xs), d4 = L.Load(x + 4 * xs), d5 = L.Load(x + 5 * xs);
        var two13 = 2f * (d1 - d3);
        L.Store(4f * d0 - 5f * d2 + d4, y);
        L.Store(d3 + d4 - 4f * (d1 + d2), y + ys);
        L.Store(d4 - d3 + 4f * (d1 - d2), y + 2 * ys);
        L.Store(d4 - d2 - two13, y + 3 * ys);
        L.Store(d4 - d2 + two13, y + 4 * ys);
        L.Store(4f * d1 - 5f * d3 + d5, y + 5 * ys);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (L, L) At<L>(L m0, L m1, L m2, L m3, L m4, L m5) where L : unmanaged, ILanes<L>
        => (m0 + m1 + m2 + m3 + m4, m1 - m2 + 2f * (m3 - m4) + m5);

    /// <summary>A (q0, q1) = (q0, q0 + q1, q0 − q1, q0 + 2q1, q0 − 2q1, q1), the adjoint of Aᵀ: q at x, x + xs into y, y + ys, …</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void A<L>(float* x, long xs, float* y, long ys) where L : unmanaged, ILanes<L>
    {
        L q0 = L.Load(x), q1 = L.Load(x + xs);
        var two = 2f * q1;
        L.Store(q0, y); L.Store(q0 + q1, y + ys); L.Store(q0 - q1, y + 2 * ys);
        L.Store(q0 + two, y + 3 * ys); L.Store(q0 - two, y + 4 * ys); L.Store(q1, y + 5 * ys);
    }

    /// <summary>G g for the five lanes g at x, x + xs, … into the six at y, y + ys, ….</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G<L>(float* x, long xs, float* y, long ys) where L : unmanaged, ILanes<L>
    {
        L g0 = L.Load(x), g1 = L.Load(x + xs), g2 = L.Load(x + 2 * xs), g3 = L.Load(x + 3 * xs), g4 = L.Load(x + 4 * xs);
        var even = g0 + g2 + g4; var odd = g1 + g3;
        var even4 = g0 + 4f * g2 + 16f * g4; var odd4 = 2f * g1 + 2f * 4f * g3;
        L.Store(0.25f * g0, y);
        L.Store(-(1f / 6) * (even + odd), y + ys);
        L.Store(-(1f / 6) * (even - odd), y + 2 * ys);
        L.Store((1f / 24) * (even4 + odd4), y + 3 * ys);
        L.Store((1f / 24) * (even4 - odd4), y + 4 * ys);
        L.Store(g4, y + 5 * ys);
    }

    /// <summary>Gᵀ x for the six lanes at x, x + xs, … into the five at y, y + ys, …: with s = x1 + x2, d = x1 − x2, p = x3 + x4, q = x3 − x4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Gt<L>(float* x, long xs, float* y, long ys) where L : unmanaged, ILanes<L>
    {
        L x0 = L.Load(x), x1 = L.Load(x + xs), x2 = L.Load(x + 2 * xs), x3 = L.Load(x + 3 * xs), x4 = L.Load(x + 4 * xs), x5 = L.Load(x + 5 * xs);
        var s = x1 + x2; var d = x1 - x2; var p = x3 + x4; var q = x3 - x4;
        L.Store(0.25f * x0 - (1f / 6) * s + (1f / 24) * p, y);
        L.Store((1f / 12) * q - (1f / 6) * d, y + ys);
        L.Store((1f / 6) * (p - s), y + 2 * ys);
        L.Store((1f / 3) * q - (1f / 6) * d, y + 3 * ys);
        L.Store((2f / 3) * p - (1f / 6) * s + x5, y + 4 * ys);
    }
}

/// <summary>
/// What the two m = 4 schemes, F(4x4, 3x3) and F(4x4, 5x5), differ by in their output transform: α and the rows of Aᵀ
/// (4 x α) and A. <see cref="Output4"/> holds the one body both run, specialised for each by the JIT (static members of
/// a struct type argument are called directly and inlined).
/// </summary>
internal unsafe interface IOutput4
{
    static abstract int Alpha { get; }
    /// <summary>Aᵀ x for the α lanes at x, x + xs, ….</summary>
    static abstract (L, L, L, L) At<L>(float* x, long xs) where L : unmanaged, ILanes<L>;
    /// <summary>A q for the four lanes q at x, x + xs, … into the α at y, y + ys, ….</summary>
    static abstract void A<L>(float* x, long xs, float* y, long ys) where L : unmanaged, ILanes<L>;
}

[SkipLocalsInit]   // every stackalloc'd tile is written before it is read
internal static unsafe class Output4
{
    /// <summary>y = Aᵀ m A + bias: Aᵀ down each column b (s[i][b]), then the same along each row i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Output<S, L>(float* m, long step, float* y, long row, long px, L bias) where S : IOutput4 where L : unmanaged, ILanes<L>
    {
        int a = S.Alpha, n = L.Count;
        L* tile = stackalloc L[4 * 8];   // 4 x α, α at most 8
        float* s = (float*)tile;
        for (int b = 0; b < a; b++)
        {
            var (s0, s1, s2, s3) = S.At<L>(m + b * step, a * step);
            L.Store(s0, s + b * n); L.Store(s1, s + (a + b) * n); L.Store(s2, s + (2 * a + b) * n); L.Store(s3, s + (3 * a + b) * n);
        }
        for (int i = 0; i < 4; i++, y += row)
        {
            var (y0, y1, y2, y3) = S.At<L>(s + a * i * n, n);
            L.Store(y0 + bias, y); L.Store(y1 + bias, y + px); L.Store(y2 + bias, y + 2 * px); L.Store(y3 + bias, y + 3 * px);
        }
    }

    /// <summary>dM = A dy Aᵀ: A along each row i (t[i][b]), then the same down each column b: dM[α·a + b].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OutputAdjoint<S, L>(float* dy, long row, long px, float* dm, long step) where S : IOutput4 where L : unmanaged, ILanes<L>
    {
        int a = S.Alpha, n = L.Count;
        L* tile = stackalloc L[4 * 8];
        float* t = (float*)tile;
        for (int i = 0; i < 4; i++) S.A<L>(dy + i * row, px, t + a * i * n, n);
        for (int b = 0; b < a; b++) S.A<L>(t + b * n, a * n, dm + b * step, a * step);
    }
}

/// <summary>
/// F(4x4, 3x3), α = 6, at the points 0, ±1, ±2, ∞: 36 products per 4x4 output tile where direct convolution needs 144
/// (F(2x2, 3x3) needs 64 for the same outputs). Bᵀ is <see cref="WinogradF2x5"/>'s;
/// <code>
///   G = [ ¼   0    0 ;   Aᵀ = [1 1  1 1  1 0;
///        -⅙  -⅙   -⅙ ;         0 1 -1 2 -2 0;
///        -⅙   ⅙   -⅙ ;         0 1  1 4  4 0;
///        1/24 1/12 ⅙ ;         0 1 -1 8 -8 1]
///        1/24 -1/12 ⅙;
///         0   0    1 ]
/// </code>
/// </summary>
[SkipLocalsInit]   // every stackalloc'd tile is written before it is read
internal readonly unsafe struct WinogradF4x3 : IWinogradScheme, IOutput4
{
    public static int M => 4;
    public static int R => 3;

    public static void Input<L>(float* d, long row, long px, float* v, long step) where L : unmanaged, ILanes<L> => WinogradF2x5.Input<L>(d, row, px, v, step);

    public static int Alpha => 6;

    public static void Output<L>(float* m, long step, float* y, long row, long px, L bias) where L : unmanaged, ILanes<L>
        => Output4.Output<WinogradF4x3, L>(m, step, y, row, px, bias);

    public static void OutputAdjoint<L>(float* dy, long row, long px, float* dm, long step) where L : unmanaged, ILanes<L>
        => Output4.OutputAdjoint<WinogradF4x3, L>(dy, row, px, dm, step);

    public static void Filter<L>(float* g, long gStep, float* u, long step) where L : unmanaged, ILanes<L>
    {
        // G g down each column q (gg[a][q]), then the same along each row a: U[6a + b].
        L* tile = stackalloc L[18];
        float* gg = (float*)tile;
        int n = L.Count;
        for (int q = 0; q < 3; q++) G<L>(g + q * gStep, 3 * gStep, gg + q * n, 3 * n);
        for (int a = 0; a < 6; a++) G<L>(gg + 3 * a * n, n, u + 6 * a * step, step);
    }

    public static void FilterAdjoint<L>(float* du, long step, float* dg, long gStep) where L : unmanaged, ILanes<L>
    {
        // dU G along each row a (e[a][q]), then Gᵀ (·) down each column q.
        L* tile = stackalloc L[18];
        float* e = (float*)tile;
        int n = L.Count;
        for (int a = 0; a < 6; a++) Gt<L>(du + 6 * a * step, step, e + 3 * a * n, n);
        for (int q = 0; q < 3; q++) Gt<L>(e + q * n, 3 * n, dg + q * gStep, 3 * gStep);
    }

    /// <summary>Aᵀ x for the six lanes at x, x + xs, …, x + 5·xs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (L, L, L, L) At<L>(float* x, long xs) where L : unmanaged, ILanes<L>
    {
        L x0 = L.Load(x), x1 = L.Load(x + xs), x2 = L.Load(x + 2 * xs), x3 = L.Load(x + 3 * xs), x4 = L.Load(x + 4 * xs), x5 = L.Load(x + 5 * xs);
        var s12 = x1 + x2; var d12 = x1 - x2; var s34 = x3 + x4; var d34 = x3 - x4;
        return (x0 + s12 + s34, d12 + 2f * d34, s12 + 4f * s34, d12 + 8f * d34 + x5);
    }

    /// <summary>A q for the four lanes q at x, x + xs, … into the six at y, y + ys, …: (q0, Σ q, Σ (−1)ⁱ qᵢ, Σ 2ⁱ qᵢ, Σ (−2)ⁱ qᵢ, q3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void A<L>(float* x, long xs, float* y, long ys) where L : unmanaged, ILanes<L>
    {
        L q0 = L.Load(x), q1 = L.Load(x + xs), q2 = L.Load(x + 2 * xs), q3 = L.Load(x + 3 * xs);
        var even = q0 + q2; var odd = q1 + q3;
        var even2 = q0 + 4f * q2; var odd2 = 2f * q1 + 8f * q3;
        L.Store(q0, y); L.Store(even + odd, y + ys); L.Store(even - odd, y + 2 * ys);
        L.Store(even2 + odd2, y + 3 * ys); L.Store(even2 - odd2, y + 4 * ys); L.Store(q3, y + 5 * ys);
    }

    /// <summary>G g for the three lanes g at x, x + xs, x + 2·xs into the six at y, y + ys, ….</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G<L>(float* x, long xs, float* y, long ys) where L : unmanaged, ILanes<L>
    {
        L g0 = L.Load(x), g1 = L.Load(x + xs), g2 = L.Load(x + 2 * xs);
        var even = g0 + g2; var even4 = g0 + 4f * g2; var odd2 = 2f * g1;
        L.Store(0.25f * g0, y);
        L.Store(-(1f / 6) * (even + g1), y + ys);
        L.Store(-(1f / 6) * (even - g1), y + 2 * ys);
        L.Store((1f / 24) * (even4 + odd2), y + 3 * ys);
        L.Store((1f / 24) * (even4 - odd2), y + 4 * ys);
        L.Store(g2, y + 5 * ys);
    }

    /// <summary>Gᵀ x for the six lanes at x, x + xs, … into the three at y, y + ys, y + 2·ys: with s = x1 + x2, d = x1 − x2, p = x3 + x4, q = x3 − x4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Gt<L>(float* x, long xs, float* y, long ys) where L : unmanaged, ILanes<L>
    {
        L x0 = L.Load(x), x1 = L.Load(x + xs), x2 = L.Load(x + 2 * xs), x3 = L.Load(x + 3 * xs), x4 = L.Load(x + 4 * xs), x5 = L.Load(x + 5 * xs);
        var s = x1 + x2; var d = x1 - x2; var p = x3 + x4; var q = x3 - x4;
        L.Store(0.25f * x0 - (1f / 6) * s + (1f / 24) * p, y);
        L.Store((1f / 12) * q - (1f / 6) * d, y + ys);
        L.Store((1f / 6) * (p - s) + x5, y + 2 * ys);
    }
}

/// <summary>
/// F(4x4, 5x5), α = 8, at the points 0, ±1, ±2, ±½, ∞: 64 products per 4x4 output tile where direct convolution needs 400
/// (F(2x2, 5x5) needs 144 for the same outputs), and each input tile grows 4x in the transform instead of 9x.
/// <code>
///   Bᵀ = [-1  0   21/4  0    -21/4  0    1  0;   G = [ -1     0      0     0     0  ;   Aᵀ = [1 1  1 1  1  1    1   0;
///          0  1   1    -17/4 -17/4  1    1  0;        -2/9  -2/9   -2/9  -2/9  -2/9 ;         0 1 -1 2 -2  ½   -½   0;
///          0 -1   1     17/4 -17/4 -1    1  0;        -2/9   2/9   -2/9   2/9  -2/9 ;         0 1  1 4  4  ¼    ¼   0;
///          0  ½   ¼    -5/2  -5/4   2    1  0;        1/90  1/45  2/45  4/45  8/45 ;         0 1 -1 8 -8  ⅛   -⅛   1]
///          0 -½   ¼     5/2  -5/4  -2    1  0;        1/90 -1/45  2/45 -4/45  8/45 ;
///          0  2   4    -5/2  -5     ½    1  0;       32/45 16/45  8/45  4/45  2/45 ;
///          0 -2   4     5/2  -5    -½    1  0;       32/45 -16/45 8/45 -4/45  2/45 ;
///          0 -1   0    21/4   0   -21/4  0  1]         0     0      0     0     1  ]
/// </code>
/// (Cook-Toom: row j of Bᵀ holds the coefficients of Π_{l≠j} (x − p_l), row j of G is (1, p_j, …, p_j⁴) / Π_{l≠j} (p_j − p_l),
/// column j of Aᵀ is (1, p_j, p_j², p_j³); checked exactly in rationals before they were written.) Simulated in float32
/// on 64-channel tiles its error is of the order of F(2x2, 5x5)'s (a few 1e-6 of the largest output).
/// </summary>
[SkipLocalsInit]   // every stackalloc'd tile is written before it is read
internal readonly unsafe struct WinogradF4x5 : IWinogradScheme, IOutput4
{
    public static int M => 4;
    public static int R => 5;

    public static void Input<L>(float* d, long row, long px, float* v, long step) where L : unmanaged, ILanes<L>
    {
        // Bᵀ down each column b (t[a][b]), then the same along each row a: V[8a + b].
        L* tile = stackalloc L[64];
        float* t = (float*)tile;
        int n = L.Count;
        for (int b = 0; b < 8; b++) Bt<L>(d + b * px, row, t + b * n, 8 * n);
        for (int a = 0; a < 8; a++) Bt<L>(t + 8 * a * n, n, v + 8 * a * step, step);
    }

    public static int Alpha => 8;

    public static void Output<L>(float* m, long step, float* y, long row, long px, L bias) where L : unmanaged, ILanes<L>
        => Output4.Output<WinogradF4x5, L>(m, step, y, row, px, bias);

    public static void OutputAdjoint<L>(float* dy, long row, long px, float* dm, long step) where L : unmanaged, ILanes<L>
        => Output4.OutputAdjoint<WinogradF4x5, L>(dy, row, px, dm, step);

    public static void Filter<L>(float* g, long gStep, float* u, long step) where L : unmanaged, ILanes<L>
    {
        // G g down each column q (gg[a][q]), then the same along each row a: U[8a + b].
        L* tile = stackalloc L[40];
        float* gg = (float*)tile;
        int n = L.Count;
        for (int q = 0; q < 5; q++) G<L>(g + q * gStep, 5 * gStep, gg + q * n, 5 * n);
        for (int a = 0; a < 8; a++) G<L>(gg + 5 * a * n, n, u + 8 * a * step, step);
    }

    public static void FilterAdjoint<L>(float* du, long step, float* dg, long gStep) where L : unmanaged, ILanes<L>
    {
        // dU G along each row a (e[a][q]), then Gᵀ (·) down each column q.
        L* tile = stackalloc L[40];
        float* e = (float*)tile;
        int n = L.Count;
        for (int a = 0; a < 8; a++) Gt<L>(du + 8 * a * step, step, e + 5 * a * n, n);
        for (int q = 0; q < 5; q++) Gt<L>(e + q * n, 5 * n, dg + q * gStep, 5 * gStep);
    }

    /// <summary>
    /// Bᵀ x for the eight lanes at x, x + xs, …, x + 7·xs into y, y + ys, …, y + 7·ys: rows 1-6 in pairs that differ only
    /// in the sign of the odd taps.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Bt<L>(float* x, long xs, float* y, long ys) where L : unmanaged, ILanes<L>
    {
        L x0 = L.Load(x), x1 = L.Load(x + xs), x2 = L.Load(x + 2 * xs), x3 = L.Load(x + 3 * xs);
        L x4 = L.Load(x + 4 * xs), x5 = L.Load(x + 5 * xs), x6 = L.Load(x + 6 * xs), x7 = L.Load(x + 7 * xs);
        L.Store(x6 - x0 + 5.25f * (x2 - x4), y);
        L.Store(x7 - x1 + 5.25f * (x3 - x5), y + 7 * ys);
        var even = x2 + x6 - 4.25f * x4; var odd = x1 + x5 - 4.25f * x3;
        L.Store(even + odd, y + ys); L.Store(even - odd, y + 2 * ys);
        even = 0.25f * x2 - 1.25f * x4 + x6; odd = 0.5f * x1 - 2.5f * x3 + 2f * x5;
        L.Store(even + odd, y + 3 * ys); L.Store(even - odd, y + 4 * ys);
        even = 4f * x2 - 5f * x4 + x6; odd = 2f * x1 - 2.5f * x3 + 0.5f * x5;
        L.Store(even + odd, y + 5 * ys); L.Store(even - odd, y + 6 * ys);
    }

    /// <summary>Aᵀ x for the eight lanes at x, x + xs, …, x + 7·xs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (L, L, L, L) At<L>(float* x, long xs) where L : unmanaged, ILanes<L>
    {
        L x0 = L.Load(x), x1 = L.Load(x + xs), x2 = L.Load(x + 2 * xs), x3 = L.Load(x + 3 * xs);
        L x4 = L.Load(x + 4 * xs), x5 = L.Load(x + 5 * xs), x6 = L.Load(x + 6 * xs), x7 = L.Load(x + 7 * xs);
        var s12 = x1 + x2; var d12 = x1 - x2; var s34 = x3 + x4; var d34 = x3 - x4; var s56 = x5 + x6; var d56 = x5 - x6;
        return (x0 + s12 + s34 + s56, d12 + 2f * d34 + 0.5f * d56, s12 + 4f * s34 + 0.25f * s56, d12 + 8f * d34 + 0.125f * d56 + x7);
    }

    /// <summary>A q for the four lanes q at x, x + xs, … into the eight at y, y + ys, …: (q0, Σ pⁱ qᵢ for p = 1, −1, 2, −2, ½, −½, q3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void A<L>(float* x, long xs, float* y, long ys) where L : unmanaged, ILanes<L>
    {
        L q0 = L.Load(x), q1 = L.Load(x + xs), q2 = L.Load(x + 2 * xs), q3 = L.Load(x + 3 * xs);
        var even1 = q0 + q2; var odd1 = q1 + q3;
        var even2 = q0 + 4f * q2; var odd2 = 2f * q1 + 8f * q3;
        var evenHalf = q0 + 0.25f * q2; var oddHalf = 0.5f * q1 + 0.125f * q3;
        L.Store(q0, y); L.Store(even1 + odd1, y + ys); L.Store(even1 - odd1, y + 2 * ys); L.Store(even2 + odd2, y + 3 * ys);
        L.Store(even2 - odd2, y + 4 * ys); L.Store(evenHalf + oddHalf, y + 5 * ys); L.Store(evenHalf - oddHalf, y + 6 * ys); L.Store(q3, y + 7 * ys);
    }

    /// <summary>G g for the five lanes g at x, x + xs, … into the eight at y, y + ys, ….</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G<L>(float* x, long xs, float* y, long ys) where L : unmanaged, ILanes<L>
    {
        L g0 = L.Load(x), g1 = L.Load(x + xs), g2 = L.Load(x + 2 * xs), g3 = L.Load(x + 3 * xs), g4 = L.Load(x + 4 * xs);
        var even1 = g0 + g2 + g4; var odd1 = g1 + g3;
        var even2 = g0 + 4f * g2 + 16f * g4; var odd2 = 2f * g1 + 8f * g3;
        var evenHalf = 16f * g0 + 4f * g2 + g4; var oddHalf = 8f * g1 + 2f * g3;
        L.Store(-g0, y);
        L.Store(-(2f / 9) * (even1 + odd1), y + ys);
        L.Store(-(2f / 9) * (even1 - odd1), y + 2 * ys);
        L.Store((1f / 90) * (even2 + odd2), y + 3 * ys);
        L.Store((1f / 90) * (even2 - odd2), y + 4 * ys);
        L.Store((2f / 45) * (evenHalf + oddHalf), y + 5 * ys);
        L.Store((2f / 45) * (evenHalf - oddHalf), y + 6 * ys);
        L.Store(g4, y + 7 * ys);
    }

    /// <summary>
    /// Gᵀ x for the eight lanes at x, x + xs, … into the five at y, y + ys, …: with sᵢ, dᵢ the sums and differences of
    /// the pairs (1, 2), (3, 4), (5, 6).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Gt<L>(float* x, long xs, float* y, long ys) where L : unmanaged, ILanes<L>
    {
        L x0 = L.Load(x), x1 = L.Load(x + xs), x2 = L.Load(x + 2 * xs), x3 = L.Load(x + 3 * xs);
        L x4 = L.Load(x + 4 * xs), x5 = L.Load(x + 5 * xs), x6 = L.Load(x + 6 * xs), x7 = L.Load(x + 7 * xs);
        var s12 = x1 + x2; var d12 = x1 - x2; var s34 = x3 + x4; var d34 = x3 - x4; var s56 = x5 + x6; var d56 = x5 - x6;
        var s = (2f / 9) * s12; var d = (2f / 9) * d12;
        L.Store((1f / 90) * s34 + (32f / 45) * s56 - x0 - s, y);
        L.Store((1f / 45) * d34 + (16f / 45) * d56 - d, y + ys);
        L.Store((2f / 45) * s34 + (8f / 45) * s56 - s, y + 2 * ys);
        L.Store((4f / 45) * (d34 + d56) - d, y + 3 * ys);
        L.Store((8f / 45) * s34 + (2f / 45) * s56 - s + x7, y + 4 * ys);
    }
}
