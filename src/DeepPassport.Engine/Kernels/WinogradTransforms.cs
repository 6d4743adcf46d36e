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
/// images go in and out through a transpose to pixel-major (HWC) order. A chunk of images has <c>cols</c> tiles in all;
/// tile (ty, tx) of an H x W image whose tiles start at <c>first</c> is row first + ty·(W/2) + tx of V[ξ] and M[ξ],
/// and V[ξ + 1] starts cols x C floats after V[ξ].
/// </para>
/// </summary>
internal static unsafe class WinogradTransforms
{
    /// <summary>Positions in a transformed tile: the number of GEMMs.</summary>
    public const int Positions = 16;

    /// <summary>Floats of the pixel-major scratch the image transforms need for C channels of an H x W image.</summary>
    public static int ScratchLength(int channels, int h, int w) => ((h + 2) * (w + 2) + h * w) * channels;

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
            // Rows of fewer than 8 pixels transpose as one [C, H·W] matrix (in 8 x 8 blocks), then move into place.
            float* whole = w % 8 == 0 ? null : ps + (long)(h + 2) * pw * channels;
            if (whole != null) Transpose(px, (long)h * w, whole, channels, channels, h * w);
            for (int y = 0; y < h; y++)
            {
                float* row = ps + (long)(y + 1) * pw * channels;
                new Span<float>(row, channels).Clear();
                new Span<float>(row + (long)(w + 1) * channels, channels).Clear();
                if (whole == null) Transpose(px + y * w, (long)h * w, row + channels, channels, channels, w);
                else new Span<float>(whole + (long)y * w * channels, w * channels).CopyTo(new Span<float>(row + channels, w * channels));
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
    /// U[ξ][c][o] = (G g Gᵀ)[ξ] for the filters g = weight[o][c] of weight [O, C, 3, 3]; with <paramref name="flipped"/>
    /// the filters of the input gradient instead, g'[o][c] = weight[o][c] rotated by 180°, stored U[ξ][o][c] (its product
    /// takes O channels in and gives C out). The weight is first transposed so that each of the 9 filter positions is one
    /// run in U's order ([9][C][O], or [9][O][C] flipped); the transform then runs 8 filters at a time.
    /// </summary>
    public static void Filter(float[] weight, float[] u, int outC, int inC, bool flipped)
    {
        int size = outC * inC;
        float[] wt = ArrayPoolF.Rent(9 * size);
        if (flipped) ForSlices(size, (from, to) => Transpose(weight, (long)from * 9, 9, wt, from, size, to - from, 9));
        else ForChannels(inC, c => Transpose(weight, c * 9, (long)inC * 9, wt, (long)c * outC, size, outC, 9));
        ForSlices(size, (from, to) => FilterSlice(wt, u, size, flipped, from, to));
        ArrayPoolF.Return(wt);
    }

    /// <summary>(G g Gᵀ) for the filters [from, to) of wt [9][size] (position k of filter i at wt[k·size + i], or 8 − k flipped) into u[ξ·size + i].</summary>
    private static void FilterSlice(float[] wt, float[] u, int size, bool flipped, int from, int to)
    {
        Span<long> at = stackalloc long[9];   // where position k of the (possibly rotated) filter starts in wt
        for (int k = 0; k < 9; k++) at[k] = (long)(flipped ? 8 - k : k) * size;
        Span<Vector256<float>> gg = stackalloc Vector256<float>[12];   // G g: 4 x 3
        Span<float> g1s = stackalloc float[12];
        var half = Vector256.Create(0.5f);
        fixed (float* pw = wt, pu = u)
        {
            int i = from;
            for (; i <= to - 8; i += 8)
            {
                // G g down each column q, then (·) Gᵀ along each row a.
                for (int q = 0; q < 3; q++)
                {
                    var g0 = Vector256.Load(pw + at[q] + i); var g1 = Vector256.Load(pw + at[3 + q] + i); var g2 = Vector256.Load(pw + at[6 + q] + i);
                    gg[q] = g0; gg[3 + q] = half * (g0 + g1 + g2); gg[6 + q] = half * (g0 - g1 + g2); gg[9 + q] = g2;
                }
                for (int a = 0; a < 4; a++)
                {
                    var r0 = gg[3 * a]; var r1 = gg[3 * a + 1]; var r2 = gg[3 * a + 2];
                    r0.Store(pu + (long)(4 * a) * size + i);
                    (half * (r0 + r1 + r2)).Store(pu + (long)(4 * a + 1) * size + i);
                    (half * (r0 - r1 + r2)).Store(pu + (long)(4 * a + 2) * size + i);
                    r2.Store(pu + (long)(4 * a + 3) * size + i);
                }
            }
            for (; i < to; i++)
            {
                for (int q = 0; q < 3; q++)
                {
                    float g0 = pw[at[q] + i], g1 = pw[at[3 + q] + i], g2 = pw[at[6 + q] + i];
                    g1s[q] = g0; g1s[3 + q] = 0.5f * (g0 + g1 + g2); g1s[6 + q] = 0.5f * (g0 - g1 + g2); g1s[9 + q] = g2;
                }
                for (int a = 0; a < 4; a++)
                {
                    float r0 = g1s[3 * a], r1 = g1s[3 * a + 1], r2 = g1s[3 * a + 2];
                    pu[(long)(4 * a) * size + i] = r0; pu[(long)(4 * a + 1) * size + i] = 0.5f * (r0 + r1 + r2);
                    pu[(long)(4 * a + 2) * size + i] = 0.5f * (r0 - r1 + r2); pu[(long)(4 * a + 3) * size + i] = r2;
                }
            }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="Filter"/> (not flipped): dg = Gᵀ dU G from dU[ξ][c][o], written into dweight [O, C, 3, 3]:
    /// the transform 8 filters at a time into [9][C][O], then transposed back channel by channel.
    /// </summary>
    public static void FilterAdjoint(float[] du, float[] dweight, int outC, int inC)
    {
        int size = outC * inC;
        float[] dwt = ArrayPoolF.Rent(9 * size);
        ForSlices(size, (from, to) => FilterAdjointSlice(du, dwt, size, from, to));
        ForChannels(inC, c => Transpose(dwt, (long)c * outC, size, dweight, c * 9, (long)inC * 9, 9, outC));
        ArrayPoolF.Return(dwt);
    }

    /// <summary>Gᵀ dU G for the filters [from, to) of dU [16][size] into dwt [9][size], both in the same filter order.</summary>
    private static void FilterAdjointSlice(float[] du, float[] dwt, int size, int from, int to)
    {
        Span<Vector256<float>> e = stackalloc Vector256<float>[12];   // dU G: 4 x 3
        Span<float> e1s = stackalloc float[12];
        var half = Vector256.Create(0.5f);
        fixed (float* pd = du, pw = dwt)
        {
            int i = from;
            for (; i <= to - 8; i += 8)
            {
                // dU G along each row a, then Gᵀ (·) down each column q.
                for (int a = 0; a < 4; a++)
                {
                    var d0 = Vector256.Load(pd + (long)(4 * a) * size + i); var d1 = Vector256.Load(pd + (long)(4 * a + 1) * size + i);
                    var d2 = Vector256.Load(pd + (long)(4 * a + 2) * size + i); var d3 = Vector256.Load(pd + (long)(4 * a + 3) * size + i);
                    e[3 * a] = d0 + half * (d1 + d2); e[3 * a + 1] = half * (d1 - d2); e[3 * a + 2] = half * (d1 + d2) + d3;
                }
                for (int q = 0; q < 3; q++)
                {
                    var e0 = e[q]; var e1 = e[3 + q]; var e2 = e[6 + q]; var e3 = e[9 + q];
                    (e0 + half * (e1 + e2)).Store(pw + (long)q * size + i);
                    (half * (e1 - e2)).Store(pw + (long)(3 + q) * size + i);
                    (half * (e1 + e2) + e3).Store(pw + (long)(6 + q) * size + i);
                }
            }
            for (; i < to; i++)
            {
                for (int a = 0; a < 4; a++)
                {
                    float d0 = pd[(long)(4 * a) * size + i], d1 = pd[(long)(4 * a + 1) * size + i], d2 = pd[(long)(4 * a + 2) * size + i], d3 = pd[(long)(4 * a + 3) * size + i];
                    e1s[3 * a] = d0 + 0.5f * (d1 + d2); e1s[3 * a + 1] = 0.5f * (d1 - d2); e1s[3 * a + 2] = 0.5f * (d1 + d2) + d3;
                }
                for (int q = 0; q < 3; q++)
                {
                    float e0 = e1s[q], e1 = e1s[3 + q], e2 = e1s[6 + q], e3 = e1s[9 + q];
                    pw[(long)q * size + i] = e0 + 0.5f * (e1 + e2); pw[(long)(3 + q) * size + i] = 0.5f * (e1 - e2); pw[(long)(6 + q) * size + i] = 0.5f * (e1 + e2) + e3;
                }
            }
        }
    }

    /// <summary>body(c) for every c in [0, count), in one block of channels per worker.</summary>
    private static void ForChannels(int count, Action<int> body)
    {
        int blocks = Parallelism.ChunkCount(count);   // read here: inside the loop it is 1
        Parallelism.For(0, blocks, b =>
        {
            for (int c = b * count / blocks; c < (b + 1) * count / blocks; c++) body(c);
        });
    }

    /// <summary>body(from, to) over [0, count) in one slice per worker, slice bounds multiples of 8.</summary>
    private static void ForSlices(int count, Action<int, int> body)
    {
        int slices = Parallelism.ChunkCount(Math.Max(1, count / 64));
        Parallelism.For(0, slices, b => body(Math.Min(count, (int)((long)count * b / slices) / 8 * 8), b == slices - 1 ? count : (int)((long)count * (b + 1) / slices) / 8 * 8));
    }

    /// <summary><see cref="Transpose(float*, long, float*, long, int, int)"/> between arrays, from and to the given offsets.</summary>
    public static void Transpose(float[] src, long srcOffset, long srcStride, float[] dst, long dstOffset, long dstStride, int rows, int cols)
    {
        fixed (float* ps = src, pd = dst) Transpose(ps + srcOffset, srcStride, pd + dstOffset, dstStride, rows, cols);
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
