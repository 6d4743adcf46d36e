using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DeepPassport.Engine.Kernels;

/// <summary>
/// The transforms of Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray, "Fast Algorithms for Convolutional
/// Neural Networks", 2016): a 2x2 output tile of a 3x3 convolution is Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A, where d is the
/// 4x4 input tile around it (stride 1, padding 1) and
/// <code>
///   Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]   G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1]   Aᵀ = [1 1 1 0; 0 1 -1 -1]
/// </code>
/// 16 products per output tile where direct convolution needs 36. Summed over input channels, they become 16 GEMMs,
/// one per position ξ = 4a + b of the 4x4 tile: M[ξ] (tiles x Cout) = V[ξ] (tiles x Cin) U[ξ] (Cin x Cout).
/// <para>
/// Channels are the innermost (fastest) index of V, M and U, so each transform runs on 8 channels at once for one tile;
/// images go in and out through a transpose to pixel-major (HWC) order. Tile (ty, tx) of an H x W image is row
/// first + ty·(W/2) + tx of V[ξ] and M[ξ], whose rows are <c>cols</c> apart from one ξ to the next.
/// </para>
/// </summary>
internal static unsafe class WinogradTransforms
{
    /// <summary>Positions in a transformed tile: the number of GEMMs.</summary>
    public const int Positions = 16;

    /// <summary>Floats of the pixel-major scratch the image transforms need for C channels of an H x W image.</summary>
    public static int ScratchLength(int channels, int h, int w) => (h + 2) * (w + 2) * channels;

    /// <summary>
    /// V[ξ][first + tile][c] = (Bᵀ d B)[ξ] for the image x [C, H, W] (H, W even), V[ξ] being <paramref name="cols"/> x C.
    /// The image is first copied pixel-major into <paramref name="scratch"/> with a border of zeros (the padding).
    /// </summary>
    public static void Input(ReadOnlySpan<float> x, Span<float> v, int channels, int h, int w, int cols, int first, Span<float> scratch)
    {
        int pw = w + 2, tw = w / 2, c8 = channels / 8 * 8;
        long step = (long)cols * channels;   // from V[ξ] to V[ξ + 1]
        fixed (float* px = x, pv = v, ps = scratch)
        {
            new Span<float>(ps, pw * channels).Clear();                                   // top border row
            new Span<float>(ps + (long)(h + 1) * pw * channels, pw * channels).Clear();   // bottom border row
            for (int y = 0; y < h; y++)
            {
                float* row = ps + (long)(y + 1) * pw * channels;
                new Span<float>(row, channels).Clear();
                new Span<float>(row + (long)(w + 1) * channels, channels).Clear();
                Transpose(px + y * w, (long)h * w, row + channels, channels, channels, w);
            }
            for (int ty = 0; ty < h / 2; ty++)
                for (int tx = 0; tx < tw; tx++)
                {
                    float* d = ps + ((long)2 * ty * pw + 2 * tx) * channels;   // d[a][b] at d + (a·pw + b)·C
                    float* dst = pv + (long)(first + ty * tw + tx) * channels;
                    int c = 0;
                    for (; c < c8; c += 8) InputTile8(d + c, (long)pw * channels, channels, dst + c, step);
                    for (; c < channels; c++) InputTile1(d + c, (long)pw * channels, channels, dst + c, step);
                }
        }
    }

    /// <summary>
    /// y[o] = Aᵀ m A (+ bias[o]) for the image y [O, H, W], from M[ξ][first + tile][o] (M[ξ] being cols x O): each tile
    /// into pixel-major <paramref name="scratch"/>, then transposed into the image.
    /// </summary>
    public static void Output(ReadOnlySpan<float> m, Span<float> y, int channels, int h, int w, int cols, int first, ReadOnlySpan<float> bias, Span<float> scratch)
    {
        int tw = w / 2, c8 = channels / 8 * 8;
        long step = (long)cols * channels;
        fixed (float* pm = m, py = y, ps = scratch, pb = bias)
        {
            for (int ty = 0; ty < h / 2; ty++)
                for (int tx = 0; tx < tw; tx++)
                {
                    float* src = pm + (long)(first + ty * tw + tx) * channels;
                    float* dst = ps + ((long)2 * ty * w + 2 * tx) * channels;   // y[i][j] at dst + (i·w + j)·C
                    int c = 0;
                    for (; c < c8; c += 8) OutputTile8(src + c, step, dst + c, (long)w * channels, channels, pb == null ? Vector256<float>.Zero : Vector256.Load(pb + c));
                    for (; c < channels; c++) OutputTile1(src + c, step, dst + c, (long)w * channels, channels, pb == null ? 0f : pb[c]);
                }
            Transpose(ps, channels, py, (long)h * w, h * w, channels);
        }
    }

    /// <summary>
    /// The adjoint of <see cref="Output"/> without bias: dM[ξ][first + tile][o] = (A dy Aᵀ)[ξ] for the output gradient
    /// dy [O, H, W] of one image (transposed pixel-major into <paramref name="scratch"/> first). The weight gradient is
    /// then dU[ξ] = V[ξ]ᵀ dM[ξ].
    /// </summary>
    public static void OutputAdjoint(ReadOnlySpan<float> dy, Span<float> dm, int channels, int h, int w, int cols, int first, Span<float> scratch)
    {
        int tw = w / 2, c8 = channels / 8 * 8;
        long step = (long)cols * channels;
        fixed (float* pd = dy, pm = dm, ps = scratch)
        {
            Transpose(pd, (long)h * w, ps, channels, channels, h * w);
            for (int ty = 0; ty < h / 2; ty++)
                for (int tx = 0; tx < tw; tx++)
                {
                    float* src = ps + ((long)2 * ty * w + 2 * tx) * channels;
                    float* dst = pm + (long)(first + ty * tw + tx) * channels;
                    int c = 0;
                    for (; c < c8; c += 8) OutputAdjointTile8(src + c, (long)w * channels, channels, dst + c, step);
                    for (; c < channels; c++) OutputAdjointTile1(src + c, (long)w * channels, channels, dst + c, step);
                }
        }
    }

    /// <summary>
    /// U[ξ][c][o] = (G g Gᵀ)[ξ] for the filters g = weight[o][c] of output channels o in [from, to), weight [O, C, 3, 3];
    /// with <paramref name="flipped"/> the filters of the input gradient instead, g'[o][c] = weight[o][c] rotated by 180°
    /// and stored U[ξ][o][c] (its product takes O channels in and gives C out).
    /// </summary>
    public static void Filter(ReadOnlySpan<float> weight, Span<float> u, int outC, int inC, bool flipped, int from, int to)
    {
        Span<float> g = stackalloc float[9];
        Span<float> gg = stackalloc float[12];   // G g: 4 x 3
        int size = outC * inC;
        for (int o = from; o < to; o++)
            for (int c = 0; c < inC; c++)
            {
                var f = weight.Slice((o * inC + c) * 9, 9);
                for (int k = 0; k < 9; k++) g[k] = flipped ? f[8 - k] : f[k];
                for (int q = 0; q < 3; q++)
                {
                    float g0 = g[q], g1 = g[3 + q], g2 = g[6 + q];
                    gg[q] = g0; gg[3 + q] = 0.5f * (g0 + g1 + g2); gg[6 + q] = 0.5f * (g0 - g1 + g2); gg[9 + q] = g2;
                }
                int at = flipped ? o * inC + c : c * outC + o;
                for (int a = 0; a < 4; a++)
                {
                    float r0 = gg[3 * a], r1 = gg[3 * a + 1], r2 = gg[3 * a + 2];
                    u[(4 * a) * size + at] = r0;
                    u[(4 * a + 1) * size + at] = 0.5f * (r0 + r1 + r2);
                    u[(4 * a + 2) * size + at] = 0.5f * (r0 - r1 + r2);
                    u[(4 * a + 3) * size + at] = r2;
                }
            }
    }

    /// <summary>The adjoint of <see cref="Filter"/> (not flipped): dg = Gᵀ dU G from dU[ξ][c][o], into dweight [O, C, 3, 3] for o in [from, to).</summary>
    public static void FilterAdjoint(ReadOnlySpan<float> du, Span<float> dweight, int outC, int inC, int from, int to)
    {
        Span<float> e = stackalloc float[12];   // dU G: 4 x 3
        int size = outC * inC;
        for (int o = from; o < to; o++)
            for (int c = 0; c < inC; c++)
            {
                int at = c * outC + o;
                for (int a = 0; a < 4; a++)
                {
                    float d0 = du[(4 * a) * size + at], d1 = du[(4 * a + 1) * size + at], d2 = du[(4 * a + 2) * size + at], d3 = du[(4 * a + 3) * size + at];
                    e[3 * a] = d0 + 0.5f * (d1 + d2); e[3 * a + 1] = 0.5f * (d1 - d2); e[3 * a + 2] = 0.5f * (d1 + d2) + d3;
                }
                var dg = dweight.Slice((o * inC + c) * 9, 9);
                for (int q = 0; q < 3; q++)
                {
                    float e0 = e[q], e1 = e[3 + q], e2 = e[6 + q], e3 = e[9 + q];
                    dg[q] = e0 + 0.5f * (e1 + e2); dg[3 + q] = 0.5f * (e1 - e2); dg[6 + q] = 0.5f * (e1 + e2) + e3;
                }
            }
    }

    /// <summary>dst[j·dstStride + i] = src[i·srcStride + j] for i &lt; rows, j &lt; cols: 8 x 8 blocks in registers, scalar edges.</summary>
    public static void Transpose(float* src, long srcStride, float* dst, long dstStride, int rows, int cols)
    {
        int r8 = Transpose8.IsSupported ? rows / 8 * 8 : 0, c8 = cols / 8 * 8;
        for (int i = 0; i < r8; i += 8)
        {
            for (int j = 0; j < c8; j += 8) Transpose8.Block(src + i * srcStride + j, srcStride, dst + j * dstStride + i, dstStride);
            for (int ii = i; ii < i + 8; ii++)
                for (int j = c8; j < cols; j++) dst[j * dstStride + ii] = src[ii * srcStride + j];
        }
        for (int i = r8; i < rows; i++)
            for (int j = 0; j < cols; j++) dst[j * dstStride + i] = src[i * srcStride + j];
    }

    // One tile, 8 channels (or 1): d[a][b] at d + a·row + b·px; V[ξ] at dst + ξ·step.

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>) Bt(Vector256<float> d0, Vector256<float> d1, Vector256<float> d2, Vector256<float> d3)
        => (d0 - d2, d1 + d2, d2 - d1, d1 - d3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float>, Vector256<float>) At(Vector256<float> m0, Vector256<float> m1, Vector256<float> m2, Vector256<float> m3)
        => (m0 + m1 + m2, m1 - m2 - m3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>) A(Vector256<float> p, Vector256<float> q)
        => (p, p + q, p - q, -q);

    private static void InputTile8(float* d, long row, long px, float* dst, long step)
    {
        // Bᵀ down each column b (t[a][b]), then the same along each row a: V[4a + b].
        var (t00, t10, t20, t30) = Bt(Vector256.Load(d), Vector256.Load(d + row), Vector256.Load(d + 2 * row), Vector256.Load(d + 3 * row));
        d += px;
        var (t01, t11, t21, t31) = Bt(Vector256.Load(d), Vector256.Load(d + row), Vector256.Load(d + 2 * row), Vector256.Load(d + 3 * row));
        d += px;
        var (t02, t12, t22, t32) = Bt(Vector256.Load(d), Vector256.Load(d + row), Vector256.Load(d + 2 * row), Vector256.Load(d + 3 * row));
        d += px;
        var (t03, t13, t23, t33) = Bt(Vector256.Load(d), Vector256.Load(d + row), Vector256.Load(d + 2 * row), Vector256.Load(d + 3 * row));
        Store4(Bt(t00, t01, t02, t03), dst, step);
        Store4(Bt(t10, t11, t12, t13), dst + 4 * step, step);
        Store4(Bt(t20, t21, t22, t23), dst + 8 * step, step);
        Store4(Bt(t30, t31, t32, t33), dst + 12 * step, step);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4((Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>) v, float* dst, long step)
    {
        v.Item1.Store(dst); v.Item2.Store(dst + step); v.Item3.Store(dst + 2 * step); v.Item4.Store(dst + 3 * step);
    }

    private static void InputTile1(float* d, long row, long px, float* dst, long step)
    {
        Span<float> t = stackalloc float[16];
        for (int b = 0; b < 4; b++)
        {
            float d0 = d[b * px], d1 = d[row + b * px], d2 = d[2 * row + b * px], d3 = d[3 * row + b * px];
            t[b] = d0 - d2; t[4 + b] = d1 + d2; t[8 + b] = d2 - d1; t[12 + b] = d1 - d3;
        }
        for (int a = 0; a < 4; a++)
        {
            float t0 = t[4 * a], t1 = t[4 * a + 1], t2 = t[4 * a + 2], t3 = t[4 * a + 3];
            dst[(4 * a) * step] = t0 - t2; dst[(4 * a + 1) * step] = t1 + t2; dst[(4 * a + 2) * step] = t2 - t1; dst[(4 * a + 3) * step] = t1 - t3;
        }
    }

    private static void OutputTile8(float* m, long step, float* y, long row, long px, Vector256<float> bias)
    {
        // Aᵀ down each column b (s[i][b]), then the same along each row i: y[i][0], y[i][1].
        var (s00, s10) = At(Vector256.Load(m), Vector256.Load(m + 4 * step), Vector256.Load(m + 8 * step), Vector256.Load(m + 12 * step));
        m += step;
        var (s01, s11) = At(Vector256.Load(m), Vector256.Load(m + 4 * step), Vector256.Load(m + 8 * step), Vector256.Load(m + 12 * step));
        m += step;
        var (s02, s12) = At(Vector256.Load(m), Vector256.Load(m + 4 * step), Vector256.Load(m + 8 * step), Vector256.Load(m + 12 * step));
        m += step;
        var (s03, s13) = At(Vector256.Load(m), Vector256.Load(m + 4 * step), Vector256.Load(m + 8 * step), Vector256.Load(m + 12 * step));
        var (y00, y01) = At(s00, s01, s02, s03);
        var (y10, y11) = At(s10, s11, s12, s13);
        (y00 + bias).Store(y); (y01 + bias).Store(y + px);
        (y10 + bias).Store(y + row); (y11 + bias).Store(y + row + px);
    }

    private static void OutputTile1(float* m, long step, float* y, long row, long px, float bias)
    {
        Span<float> s = stackalloc float[8];
        for (int b = 0; b < 4; b++)
        {
            float m0 = m[b * step], m1 = m[(4 + b) * step], m2 = m[(8 + b) * step], m3 = m[(12 + b) * step];
            s[b] = m0 + m1 + m2; s[4 + b] = m1 - m2 - m3;
        }
        for (int i = 0; i < 2; i++)
        {
            y[i * row] = s[4 * i] + s[4 * i + 1] + s[4 * i + 2] + bias;
            y[i * row + px] = s[4 * i + 1] - s[4 * i + 2] - s[4 * i + 3] + bias;
        }
    }

    private static void OutputAdjointTile8(float* q, long row, long px, float* dm, long step)
    {
        // A along each row i (t[i][b]), then the same down each column b: dM[4a + b].
        var (t00, t01, t02, t03) = A(Vector256.Load(q), Vector256.Load(q + px));
        var (t10, t11, t12, t13) = A(Vector256.Load(q + row), Vector256.Load(q + row + px));
        Store4Column(A(t00, t10), dm, step);
        Store4Column(A(t01, t11), dm + step, step);
        Store4Column(A(t02, t12), dm + 2 * step, step);
        Store4Column(A(t03, t13), dm + 3 * step, step);
    }

    /// <summary>Column b of a transformed tile: positions b, 4 + b, 8 + b, 12 + b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4Column((Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>) v, float* dst, long step)
    {
        v.Item1.Store(dst); v.Item2.Store(dst + 4 * step); v.Item3.Store(dst + 8 * step); v.Item4.Store(dst + 12 * step);
    }

    private static void OutputAdjointTile1(float* q, long row, long px, float* dm, long step)
    {
        float q00 = q[0], q01 = q[px], q10 = q[row], q11 = q[row + px];
        Span<float> t0 = [q00, q00 + q01, q00 - q01, -q01];
        Span<float> t1 = [q10, q10 + q11, q10 - q11, -q11];
        for (int b = 0; b < 4; b++)
        {
            float a = t0[b], c = t1[b];
            dm[b * step] = a; dm[(4 + b) * step] = a + c; dm[(8 + b) * step] = a - c; dm[(12 + b) * step] = -c;
        }
    }
}
