using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DeepPassport.Engine.Kernels;

/// <summary>
/// One Winograd minimal filtering F(m x m, r x r) (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks",
/// 2016): an m x m output tile of an r x r convolution (stride 1, padding (r − 1)/2) is Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A,
/// where d is the α x α input tile around it, α = m + r − 1. Its tile transforms run on the channels of one tile at a
/// time, as many as the lanes <typeparamref name="L"/> hold (8, or 1 for a tail); position ξ = α·a + b of a transformed
/// tile is at <c>ξ·step</c> from its first.
/// </summary>
internal unsafe interface IWinogradScheme
{
    /// <summary>The output tile side m.</summary>
    static abstract int M { get; }
    /// <summary>The filter side r.</summary>
    static abstract int R { get; }

    /// <summary>V = Bᵀ d B; d[a][b] at d + a·row + b·px.</summary>
    static abstract void Input<L>(float* d, long row, long px, float* v, long step) where L : ILanes;
    /// <summary>y = Aᵀ m A + bias; y[i][j] at y + i·row + j·px.</summary>
    static abstract void Output<L>(float* m, long step, float* y, long row, long px, Vector256<float> bias) where L : ILanes;
    /// <summary>dM = A dy Aᵀ, the adjoint of <see cref="Output{L}"/> without bias.</summary>
    static abstract void OutputAdjoint<L>(float* dy, long row, long px, float* dm, long step) where L : ILanes;
    /// <summary>U = G g Gᵀ; g[p][q] at g + (r·p + q)·gStep.</summary>
    static abstract void Filter<L>(float* g, long gStep, float* u, long step) where L : ILanes;
    /// <summary>dg = Gᵀ dU G, the adjoint of <see cref="Filter{L}"/>.</summary>
    static abstract void FilterAdjoint<L>(float* du, long step, float* dg, long gStep) where L : ILanes;
}

/// <summary>Loads and stores of the channels a transform runs on at once: 8 (one Vector256) or 1 (lane 0, for a tail).</summary>
internal unsafe interface ILanes
{
    static abstract Vector256<float> Load(float* p);
    static abstract void Store(Vector256<float> v, float* p);
}

internal readonly unsafe struct Lanes8 : ILanes
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(float* p) => Vector256.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<float> v, float* p) => v.Store(p);
}

internal readonly unsafe struct Lanes1 : ILanes
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(float* p) => Vector256.CreateScalar(*p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<float> v, float* p) => *p = v.ToScalar();
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
    private static readonly Vector256<float> Half = Vector256.Create(0.5f);

    public static void Input<L>(float* d, long row, long px, float* v, long step) where L : ILanes
    {
        // Bᵀ down each column b (t[a][b]), then the same along each row a: V[4a + b].
        Vector256<float>* t = stackalloc Vector256<float>[16];
        for (int b = 0; b < 4; b++, d += px)
            (t[b], t[4 + b], t[8 + b], t[12 + b]) = Bt(L.Load(d), L.Load(d + row), L.Load(d + 2 * row), L.Load(d + 3 * row));
        for (int a = 0; a < 4; a++, v += 4 * step)
        {
            var (v0, v1, v2, v3) = Bt(t[4 * a], t[4 * a + 1], t[4 * a + 2], t[4 * a + 3]);
            L.Store(v0, v); L.Store(v1, v + step); L.Store(v2, v + 2 * step); L.Store(v3, v + 3 * step);
        }
    }

    public static void Output<L>(float* m, long step, float* y, long row, long px, Vector256<float> bias) where L : ILanes
    {
        // Aᵀ down each column b (s[i][b]), then the same along each row i.
        Vector256<float>* s = stackalloc Vector256<float>[8];
        for (int b = 0; b < 4; b++, m += step)
            (s[b], s[4 + b]) = At(L.Load(m), L.Load(m + 4 * step), L.Load(m + 8 * step), L.Load(m + 12 * step));
        for (int i = 0; i < 2; i++, y += row)
        {
            var (y0, y1) = At(s[4 * i], s[4 * i + 1], s[4 * i + 2], s[4 * i + 3]);
            L.Store(y0 + bias, y); L.Store(y1 + bias, y + px);
        }
    }

    public static void OutputAdjoint<L>(float* dy, long row, long px, float* dm, long step) where L : ILanes
    {
        // A along each row i (t[i][b]), then the same down each column b: dM[4a + b].
        var (t00, t01, t02, t03) = A(L.Load(dy), L.Load(dy + px));
        var (t10, t11, t12, t13) = A(L.Load(dy + row), L.Load(dy + row + px));
        StoreColumn<L>(A(t00, t10), dm, step);
        StoreColumn<L>(A(t01, t11), dm + step, step);
        StoreColumn<L>(A(t02, t12), dm + 2 * step, step);
        StoreColumn<L>(A(t03, t13), dm + 3 * step, step);
    }

    public static void Filter<L>(float* g, long gStep, float* u, long step) where L : ILanes
    {
        // G g down each column q (gg[a][q]), then the same along each row a: U[4a + b].
        Vector256<float>* gg = stackalloc Vector256<float>[12];
        for (int q = 0; q < 3; q++)
            (gg[q], gg[3 + q], gg[6 + q], gg[9 + q]) = G(L.Load(g + q * gStep), L.Load(g + (3 + q) * gStep), L.Load(g + (6 + q) * gStep));
        for (int a = 0; a < 4; a++, u += 4 * step)
        {
            var (u0, u1, u2, u3) = G(gg[3 * a], gg[3 * a + 1], gg[3 * a + 2]);
            L.Store(u0, u); L.Store(u1, u + step); L.Store(u2, u + 2 * step); L.Store(u3, u + 3 * step);
        }
    }

    public static void FilterAdjoint<L>(float* du, long step, float* dg, long gStep) where L : ILanes
    {
        // dU G along each row a (e[a][q]), then Gᵀ (·) down each column q.
        Vector256<float>* e = stackalloc Vector256<float>[12];
        for (int a = 0; a < 4; a++, du += 4 * step)
            (e[3 * a], e[3 * a + 1], e[3 * a + 2]) = Gt(L.Load(du), L.Load(du + step), L.Load(du + 2 * step), L.Load(du + 3 * step));
        for (int q = 0; q < 3; q++)
        {
            var (g0, g1, g2) = Gt(e[q], e[3 + q], e[6 + q], e[9 + q]);
            L.Store(g0, dg + q * gStep); L.Store(g1, dg + (3 + q) * gStep); L.Store(g2, dg + (6 + q) * gStep);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>) Bt(Vector256<float> d0, Vector256<float> d1, Vector256<float> d2, Vector256<float> d3)
        => (d0 - d2, d1 + d2, d2 - d1, d1 - d3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float>, Vector256<float>) At(Vector256<float> m0, Vector256<float> m1, Vector256<float> m2, Vector256<float> m3)
        => (m0 + m1 + m2, m1 - m2 - m3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>) A(Vector256<float> p, Vector256<float> q)
        => (p, p + q, p - q, -q);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>) G(Vector256<float> g0, Vector256<float> g1, Vector256<float> g2)
        => (g0, Half * (g0 + g1 + g2), Half * (g0 - g1 + g2), g2);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float>, Vector256<float>, Vector256<float>) Gt(Vector256<float> d0, Vector256<float> d1, Vector256<float> d2, Vector256<float> d3)
        => (d0 + Half * (d1 + d2), Half * (d1 - d2), Half * (d1 + d2) + d3);

    /// <summary>Column b of a transformed tile: positions b, 4 + b, 8 + b, 12 + b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreColumn<L>((Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>) v, float* dst, long step) where L : ILanes
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
    private static readonly Vector256<float> Two = Vector256.Create(2f), Four = Vector256.Create(4f), Five = Vector256.Create(5f),
        Quarter = Vector256.Create(0.25f), Sixth = Vector256.Create(1f / 6), Twelfth = Vector256.Create(1f / 12),
        TwentyFourth = Vector256.Create(1f / 24), Third = Vector256.Create(1f / 3), TwoThirds = Vector256.Create(2f / 3), Sixteen = Vector256.Create(16f);

    public static void Input<L>(float* d, long row, long px, float* v, long step) where L : ILanes
    {
        // Bᵀ down each column b (t[a][b]), then the same along each row a: V[6a + b].
        Vector256<float>* t = stackalloc Vector256<float>[36];
        Vector256<float>* x = stackalloc Vector256<float>[6];
        for (int b = 0; b < 6; b++, d += px)
        {
            for (int a = 0; a < 6; a++) x[a] = L.Load(d + a * row);
            Bt(x, t + b, 6);
        }
        for (int a = 0; a < 6; a++, v += 6 * step)
        {
            Bt(t + 6 * a, x, 1);
            for (int b = 0; b < 6; b++) L.Store(x[b], v + b * step);
        }
    }

    public static void Output<L>(float* m, long step, float* y, long row, long px, Vector256<float> bias) where L : ILanes
    {
        // Aᵀ down each column b (s[i][b]), then the same along each row i.
        Vector256<float>* s = stackalloc Vector256<float>[12];
        for (int b = 0; b < 6; b++, m += step)
            (s[b], s[6 + b]) = At(L.Load(m), L.Load(m + 6 * step), L.Load(m + 12 * step), L.Load(m + 18 * step), L.Load(m + 24 * step), L.Load(m + 30 * step));
        for (int i = 0; i < 2; i++, y += row)
        {
            var (y0, y1) = At(s[6 * i], s[6 * i + 1], s[6 * i + 2], s[6 * i + 3], s[6 * i + 4], s[6 * i + 5]);
            L.Store(y0 + bias, y); L.Store(y1 + bias, y + px);
        }
    }

    public static void OutputAdjoint<L>(float* dy, long row, long px, float* dm, long step) where L : ILanes
    {
        // A along each row i (t[i][b]), then the same down each column b: dM[6a + b].
        Vector256<float>* t = stackalloc Vector256<float>[12];
        Vector256<float>* c = stackalloc Vector256<float>[6];
        A(L.Load(dy), L.Load(dy + px), t);
        A(L.Load(dy + row), L.Load(dy + row + px), t + 6);
        for (int b = 0; b < 6; b++)
        {
            A(t[b], t[6 + b], c);
            for (int a = 0; a < 6; a++) L.Store(c[a], dm + (6 * a + b) * step);
        }
    }

    public static void Filter<L>(float* g, long gStep, float* u, long step) where L : ILanes
    {
        // G g down each column q (gg[a][q]), then the same along each row a: U[6a + b].
        Vector256<float>* gg = stackalloc Vector256<float>[30];
        Vector256<float>* x = stackalloc Vector256<float>[6];
        for (int q = 0; q < 5; q++)
        {
            for (int p = 0; p < 5; p++) x[p] = L.Load(g + (5 * p + q) * gStep);
            G(x, x);
            for (int a = 0; a < 6; a++) gg[5 * a + q] = x[a];
        }
        for (int a = 0; a < 6; a++, u += 6 * step)
        {
            for (int q = 0; q < 5; q++) x[q] = gg[5 * a + q];
            G(x, x);
            for (int b = 0; b < 6; b++) L.Store(x[b], u + b * step);
        }
    }

    public static void FilterAdjoint<L>(float* du, long step, float* dg, long gStep) where L : ILanes
    {
        // dU G along each row a (e[a][q]), then Gᵀ (·) down each column q.
        Vector256<float>* e = stackalloc Vector256<float>[30];
        Vector256<float>* x = stackalloc Vector256<float>[6];
        for (int a = 0; a < 6; a++, du += 6 * step)
        {
            for (int b = 0; b < 6; b++) x[b] = L.Load(du + b * step);
            Gt(x, e + 5 * a);
        }
        for (int q = 0; q < 5; q++)
        {
            for (int a = 0; a < 6; a++) x[a] = e[5 * a + q];
            Gt(x, x);
            for (int p = 0; p < 5; p++) L.Store(x[p], dg + (5 * p + q) * gStep);
        }
    }

    /// <summary>Bᵀ x into y[0], y[stride], …, y[5·stride].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Bt(Vector256<float>* x, Vector256<float>* y, int stride)
    {
        var (d0, d1, d2, d3, d4, d5) = (x[0], x[1], x[2], x[3], x[4], x[5]);
        var two13 = Two * (d1 - d3);
        y[0] = Four * d0 - Five * d2 + d4;
        y[stride] = d3 + d4 - Four * (d1 + d2);
        y[2 * stride] = d4 - d3 + Four * (d1 - d2);
        y[3 * stride] = d4 - d2 - two13;
        y[4 * stride] = d4 - d2 + two13;
        y[5 * stride] = Four * d1 - Five * d3 + d5;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float>, Vector256<float>) At(Vector256<float> m0, Vector256<float> m1, Vector256<float> m2, Vector256<float> m3, Vector256<float> m4, Vector256<float> m5)
        => (m0 + m1 + m2 + m3 + m4, m1 - m2 + Two * (m3 - m4) + m5);

    /// <summary>A (q0, q1) = (q0, q0 + q1, q0 − q1, q0 + 2q1, q0 − 2q1, q1), the adjoint of Aᵀ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void A(Vector256<float> q0, Vector256<float> q1, Vector256<float>* y)
    {
        var two = Two * q1;
        y[0] = q0; y[1] = q0 + q1; y[2] = q0 - q1; y[3] = q0 + two; y[4] = q0 - two; y[5] = q1;
    }

    /// <summary>G g for g = x[0..5) into y[0..6) (y may be x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G(Vector256<float>* x, Vector256<float>* y)
    {
        var (g0, g1, g2, g3, g4) = (x[0], x[1], x[2], x[3], x[4]);
        var even = g0 + g2 + g4; var odd = g1 + g3;
        var even4 = g0 + Four * g2 + Sixteen * g4; var odd4 = Two * g1 + Two * Four * g3;
        y[0] = Quarter * g0;
        y[1] = -Sixth * (even + odd);
        y[2] = -Sixth * (even - odd);
        y[3] = TwentyFourth * (even4 + odd4);
        y[4] = TwentyFourth * (even4 - odd4);
        y[5] = g4;
    }

    /// <summary>Gᵀ x for x[0..6) into y[0..5) (y may be x): with s = x1 + x2, d = x1 − x2, p = x3 + x4, q = x3 − x4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Gt(Vector256<float>* x, Vector256<float>* y)
    {
        var s = x[1] + x[2]; var d = x[1] - x[2]; var p = x[3] + x[4]; var q = x[3] - x[4]; var x0 = x[0]; var x5 = x[5];
        y[0] = Quarter * x0 - Sixth * s + TwentyFourth * p;
        y[1] = Twelfth * q - Sixth * d;
        y[2] = Sixth * (p - s);
        y[3] = Third * q - Sixth * d;
        y[4] = TwoThirds * p - Sixth * s + x5;
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
internal readonly unsafe struct WinogradF4x3 : IWinogradScheme
{
    public static int M => 4;
    public static int R => 3;
    private static readonly Vector256<float> Two = Vector256.Create(2f), Four = Vector256.Create(4f), Eight = Vector256.Create(8f),
        Quarter = Vector256.Create(0.25f), Sixth = Vector256.Create(1f / 6), Twelfth = Vector256.Create(1f / 12), TwentyFourth = Vector256.Create(1f / 24);

    public static void Input<L>(float* d, long row, long px, float* v, long step) where L : ILanes => WinogradF2x5.Input<L>(d, row, px, v, step);

    public static void Output<L>(float* m, long step, float* y, long row, long px, Vector256<float> bias) where L : ILanes
    {
        // Aᵀ down each column b (s[i][b]), then the same along each row i.
        Vector256<float>* s = stackalloc Vector256<float>[24];
        Vector256<float>* x = stackalloc Vector256<float>[6];
        for (int b = 0; b < 6; b++, m += step)
        {
            for (int a = 0; a < 6; a++) x[a] = L.Load(m + 6 * a * step);
            At(x, s + b, 6);
        }
        for (int i = 0; i < 4; i++, y += row)
        {
            At(s + 6 * i, x, 1);
            for (int j = 0; j < 4; j++) L.Store(x[j] + bias, y + j * px);
        }
    }

    public static void OutputAdjoint<L>(float* dy, long row, long px, float* dm, long step) where L : ILanes
    {
        // A along each row i (t[i][b]), then the same down each column b: dM[6a + b].
        Vector256<float>* t = stackalloc Vector256<float>[24];
        Vector256<float>* x = stackalloc Vector256<float>[6];
        for (int i = 0; i < 4; i++, dy += row)
        {
            for (int j = 0; j < 4; j++) x[j] = L.Load(dy + j * px);
            A(x, t + 6 * i);
        }
        for (int b = 0; b < 6; b++)
        {
            for (int i = 0; i < 4; i++) x[i] = t[6 * i + b];
            A(x, x);
            for (int a = 0; a < 6; a++) L.Store(x[a], dm + (6 * a + b) * step);
        }
    }

    public static void Filter<L>(float* g, long gStep, float* u, long step) where L : ILanes
    {
        // G g down each column q (gg[a][q]), then the same along each row a: U[6a + b].
        Vector256<float>* gg = stackalloc Vector256<float>[18];
        Vector256<float>* x = stackalloc Vector256<float>[6];
        for (int q = 0; q < 3; q++)
        {
            G(L.Load(g + q * gStep), L.Load(g + (3 + q) * gStep), L.Load(g + (6 + q) * gStep), x);
            for (int a = 0; a < 6; a++) gg[3 * a + q] = x[a];
        }
        for (int a = 0; a < 6; a++, u += 6 * step)
        {
            G(gg[3 * a], gg[3 * a + 1], gg[3 * a + 2], x);
            for (int b = 0; b < 6; b++) L.Store(x[b], u + b * step);
        }
    }

    public static void FilterAdjoint<L>(float* du, long step, float* dg, long gStep) where L : ILanes
    {
        // dU G along each row a (e[a][q]), then Gᵀ (·) down each column q.
        Vector256<float>* e = stackalloc Vector256<float>[18];
        Vector256<float>* x = stackalloc Vector256<float>[6];
        for (int a = 0; a < 6; a++, du += 6 * step)
        {
            for (int b = 0; b < 6; b++) x[b] = L.Load(du + b * step);
            (e[3 * a], e[3 * a + 1], e[3 * a + 2]) = Gt(x);
        }
        for (int q = 0; q < 3; q++)
        {
            for (int a = 0; a < 6; a++) x[a] = e[3 * a + q];
            var (g0, g1, g2) = Gt(x);
            L.Store(g0, dg + q * gStep); L.Store(g1, dg + (3 + q) * gStep); L.Store(g2, dg + (6 + q) * gStep);
        }
    }

    /// <summary>Aᵀ x into y[0], y[stride], y[2·stride], y[3·stride].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void At(Vector256<float>* x, Vector256<float>* y, int stride)
    {
        var s12 = x[1] + x[2]; var d12 = x[1] - x[2]; var s34 = x[3] + x[4]; var d34 = x[3] - x[4];
        y[0] = x[0] + s12 + s34;
        y[stride] = d12 + Two * d34;
        y[2 * stride] = s12 + Four * s34;
        y[3 * stride] = d12 + Eight * d34 + x[5];
    }

    /// <summary>A q for q = x[0..4) into y[0..6) (y may be x): (q0, Σ q, Σ (−1)ⁱ qᵢ, Σ 2ⁱ qᵢ, Σ (−2)ⁱ qᵢ, q3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void A(Vector256<float>* x, Vector256<float>* y)
    {
        var (q0, q1, q2, q3) = (x[0], x[1], x[2], x[3]);
        var even = q0 + q2; var odd = q1 + q3;
        var even2 = q0 + Four * q2; var odd2 = Two * q1 + Eight * q3;
        y[0] = q0; y[1] = even + odd; y[2] = even - odd; y[3] = even2 + odd2; y[4] = even2 - odd2; y[5] = q3;
    }

    /// <summary>G g into y[0..6).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G(Vector256<float> g0, Vector256<float> g1, Vector256<float> g2, Vector256<float>* y)
    {
        var even = g0 + g2; var even4 = g0 + Four * g2; var odd2 = Two * g1;
        y[0] = Quarter * g0;
        y[1] = -Sixth * (even + g1);
        y[2] = -Sixth * (even - g1);
        y[3] = TwentyFourth * (even4 + odd2);
        y[4] = TwentyFourth * (even4 - odd2);
        y[5] = g2;
    }

    /// <summary>Gᵀ x for x[0..6): with s = x1 + x2, d = x1 − x2, p = x3 + x4, q = x3 − x4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float>, Vector256<float>, Vector256<float>) Gt(Vector256<float>* x)
    {
        var s = x[1] + x[2]; var d = x[1] - x[2]; var p = x[3] + x[4]; var q = x[3] - x[4];
        return (Quarter * x[0] - Sixth * s + TwentyFourth * p, Twelfth * q - Sixth * d, Sixth * (p - s) + x[5]);
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
internal readonly unsafe struct WinogradF4x5 : IWinogradScheme
{
    public static int M => 4;
    public static int R => 5;
    private static readonly Vector256<float> Half = Vector256.Create(0.5f), Quarter = Vector256.Create(0.25f), Eighth = Vector256.Create(0.125f),
        Two = Vector256.Create(2f), Four = Vector256.Create(4f), Five = Vector256.Create(5f), Eight = Vector256.Create(8f), Sixteen = Vector256.Create(16f),
        FiveHalves = Vector256.Create(2.5f), FiveQuarters = Vector256.Create(1.25f), SeventeenQuarters = Vector256.Create(4.25f), TwentyOneQuarters = Vector256.Create(5.25f),
        TwoNinths = Vector256.Create(2f / 9), Ninetieth = Vector256.Create(1f / 90), TwoFortyFifths = Vector256.Create(2f / 45),
        FortyFifth = Vector256.Create(1f / 45), FourFortyFifths = Vector256.Create(4f / 45), EightFortyFifths = Vector256.Create(8f / 45),
        SixteenFortyFifths = Vector256.Create(16f / 45), ThirtyTwoFortyFifths = Vector256.Create(32f / 45);

    public static void Input<L>(float* d, long row, long px, float* v, long step) where L : ILanes
    {
        // Bᵀ down each column b (t[a][b]), then the same along each row a: V[8a + b].
        Vector256<float>* t = stackalloc Vector256<float>[64];
        Vector256<float>* x = stackalloc Vector256<float>[8];
        for (int b = 0; b < 8; b++, d += px)
        {
            for (int a = 0; a < 8; a++) x[a] = L.Load(d + a * row);
            Bt(x, t + b, 8);
        }
        for (int a = 0; a < 8; a++, v += 8 * step)
        {
            Bt(t + 8 * a, x, 1);
            for (int b = 0; b < 8; b++) L.Store(x[b], v + b * step);
        }
    }

    public static void Output<L>(float* m, long step, float* y, long row, long px, Vector256<float> bias) where L : ILanes
    {
        // Aᵀ down each column b (s[i][b]), then the same along each row i.
        Vector256<float>* s = stackalloc Vector256<float>[32];
        Vector256<float>* x = stackalloc Vector256<float>[8];
        for (int b = 0; b < 8; b++, m += step)
        {
            for (int a = 0; a < 8; a++) x[a] = L.Load(m + 8 * a * step);
            At(x, s + b, 8);
        }
        for (int i = 0; i < 4; i++, y += row)
        {
            At(s + 8 * i, x, 1);
            for (int j = 0; j < 4; j++) L.Store(x[j] + bias, y + j * px);
        }
    }

    public static void OutputAdjoint<L>(float* dy, long row, long px, float* dm, long step) where L : ILanes
    {
        // A along each row i (t[i][b]), then the same down each column b: dM[8a + b].
        Vector256<float>* t = stackalloc Vector256<float>[32];
        Vector256<float>* x = stackalloc Vector256<float>[8];
        for (int i = 0; i < 4; i++, dy += row)
        {
            for (int j = 0; j < 4; j++) x[j] = L.Load(dy + j * px);
            A(x, t + 8 * i);
        }
        for (int b = 0; b < 8; b++)
        {
            for (int i = 0; i < 4; i++) x[i] = t[8 * i + b];
            A(x, x);
            for (int a = 0; a < 8; a++) L.Store(x[a], dm + (8 * a + b) * step);
        }
    }

    public static void Filter<L>(float* g, long gStep, float* u, long step) where L : ILanes
    {
        // G g down each column q (gg[a][q]), then the same along each row a: U[8a + b].
        Vector256<float>* gg = stackalloc Vector256<float>[40];
        Vector256<float>* x = stackalloc Vector256<float>[8];
        for (int q = 0; q < 5; q++)
        {
            for (int p = 0; p < 5; p++) x[p] = L.Load(g + (5 * p + q) * gStep);
            G(x, x);
            for (int a = 0; a < 8; a++) gg[5 * a + q] = x[a];
        }
        for (int a = 0; a < 8; a++, u += 8 * step)
        {
            for (int q = 0; q < 5; q++) x[q] = gg[5 * a + q];
            G(x, x);
            for (int b = 0; b < 8; b++) L.Store(x[b], u + b * step);
        }
    }

    public static void FilterAdjoint<L>(float* du, long step, float* dg, long gStep) where L : ILanes
    {
        // dU G along each row a (e[a][q]), then Gᵀ (·) down each column q.
        Vector256<float>* e = stackalloc Vector256<float>[40];
        Vector256<float>* x = stackalloc Vector256<float>[8];
        for (int a = 0; a < 8; a++, du += 8 * step)
        {
            for (int b = 0; b < 8; b++) x[b] = L.Load(du + b * step);
            Gt(x, e + 5 * a);
        }
        for (int q = 0; q < 5; q++)
        {
            for (int a = 0; a < 8; a++) x[a] = e[5 * a + q];
            Gt(x, x);
            for (int p = 0; p < 5; p++) L.Store(x[p], dg + (5 * p + q) * gStep);
        }
    }

    /// <summary>Bᵀ x into y[0], y[stride], …, y[7·stride]: rows 1-6 in pairs that differ only in the sign of the odd taps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Bt(Vector256<float>* x, Vector256<float>* y, int stride)
    {
        var (x0, x1, x2, x3, x4, x5, x6, x7) = (x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]);
        y[0] = x6 - x0 + TwentyOneQuarters * (x2 - x4);
        y[7 * stride] = x7 - x1 + TwentyOneQuarters * (x3 - x5);
        var even = x2 + x6 - SeventeenQuarters * x4; var odd = x1 + x5 - SeventeenQuarters * x3;
        y[stride] = even + odd; y[2 * stride] = even - odd;
        even = Quarter * x2 - FiveQuarters * x4 + x6; odd = Half * x1 - FiveHalves * x3 + Two * x5;
        y[3 * stride] = even + odd; y[4 * stride] = even - odd;
        even = Four * x2 - Five * x4 + x6; odd = Two * x1 - FiveHalves * x3 + Half * x5;
        y[5 * stride] = even + odd; y[6 * stride] = even - odd;
    }

    /// <summary>Aᵀ x for x[0..8) into y[0], y[stride], y[2·stride], y[3·stride].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void At(Vector256<float>* x, Vector256<float>* y, int stride)
    {
        var s12 = x[1] + x[2]; var d12 = x[1] - x[2]; var s34 = x[3] + x[4]; var d34 = x[3] - x[4]; var s56 = x[5] + x[6]; var d56 = x[5] - x[6];
        y[0] = x[0] + s12 + s34 + s56;
        y[stride] = d12 + Two * d34 + Half * d56;
        y[2 * stride] = s12 + Four * s34 + Quarter * s56;
        y[3 * stride] = d12 + Eight * d34 + Eighth * d56 + x[7];
    }

    /// <summary>A q for q = x[0..4) into y[0..8) (y may be x): (q0, Σ pⁱ qᵢ for p = 1, −1, 2, −2, ½, −½, q3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void A(Vector256<float>* x, Vector256<float>* y)
    {
        var (q0, q1, q2, q3) = (x[0], x[1], x[2], x[3]);
        var even1 = q0 + q2; var odd1 = q1 + q3;
        var even2 = q0 + Four * q2; var odd2 = Two * q1 + Eight * q3;
        var evenHalf = q0 + Quarter * q2; var oddHalf = Half * q1 + Eighth * q3;
        y[0] = q0; y[1] = even1 + odd1; y[2] = even1 - odd1; y[3] = even2 + odd2; y[4] = even2 - odd2;
        y[5] = evenHalf + oddHalf; y[6] = evenHalf - oddHalf; y[7] = q3;
    }

    /// <summary>G g for g = x[0..5) into y[0..8) (y may be x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G(Vector256<float>* x, Vector256<float>* y)
    {
        var (g0, g1, g2, g3, g4) = (x[0], x[1], x[2], x[3], x[4]);
        var even1 = g0 + g2 + g4; var odd1 = g1 + g3;
        var even2 = g0 + Four * g2 + Sixteen * g4; var odd2 = Two * g1 + Eight * g3;
        var evenHalf = Sixteen * g0 + Four * g2 + g4; var oddHalf = Eight * g1 + Two * g3;
        y[0] = -g0;
        y[1] = -TwoNinths * (even1 + odd1);
        y[2] = -TwoNinths * (even1 - odd1);
        y[3] = Ninetieth * (even2 + odd2);
        y[4] = Ninetieth * (even2 - odd2);
        y[5] = TwoFortyFifths * (evenHalf + oddHalf);
        y[6] = TwoFortyFifths * (evenHalf - oddHalf);
        y[7] = g4;
    }

    /// <summary>Gᵀ x for x[0..8) into y[0..5) (y may be x): with sᵢ, dᵢ the sums and differences of the pairs (1, 2), (3, 4), (5, 6).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Gt(Vector256<float>* x, Vector256<float>* y)
    {
        var s12 = x[1] + x[2]; var d12 = x[1] - x[2]; var s34 = x[3] + x[4]; var d34 = x[3] - x[4]; var s56 = x[5] + x[6]; var d56 = x[5] - x[6];
        var x0 = x[0]; var x7 = x[7]; var s = TwoNinths * s12; var d = TwoNinths * d12;
        y[0] = Ninetieth * s34 + ThirtyTwoFortyFifths * s56 - x0 - s;
        y[1] = FortyFifth * d34 + SixteenFortyFifths * d56 - d;
        y[2] = TwoFortyFifths * s34 + EightFortyFifths * s56 - s;
        y[3] = FourFortyFifths * (d34 + d56) - d;
        y[4] = EightFortyFifths * s34 + TwoFortyFifths * s56 - s + x7;
    }
}
