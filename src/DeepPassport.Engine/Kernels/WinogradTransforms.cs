using System.Runtime.Intrinsics;

namespace DeepPassport.Engine.Kernels;

/// <summary>
/// The transforms of Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray, "Fast Algorithms for Convolutional
/// Neural Networks", 2016): a 2x2 output tile of a 3x3 convolution is Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d Bᵀᵀ)] A, where d is the
/// 4x4 input tile around it (stride 1, padding 1) and
/// <code>
///   Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]   G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1]   Aᵀ = [1 1 1 0; 0 1 -1 -1]
/// </code>
/// 16 products per output tile where direct convolution needs 36. Summed over input channels, the products become 16
/// GEMMs: M[ξ] (Cout x tiles) = U[ξ] (Cout x Cin) V[ξ] (Cin x tiles), ξ = 4i + j the position in the 4x4 tile.
/// Every transform here works on one image's planes: tile (ty, tx) of an H x W plane is column ty·(W/2) + tx of its
/// rows in V and M. Each 1-D transform runs over all tiles at once (vectorised), first along one axis, then the other.
/// </summary>
internal static class WinogradTransforms
{
    /// <summary>Positions in a transformed tile: the number of GEMMs.</summary>
    public const int Positions = 16;

    /// <summary>Scratch floats the image transforms need for an H x W plane.</summary>
    public static int ScratchLength(int h, int w) => 12 * (h / 2 + 1) * (w / 2);

    /// <summary>
    /// V[(ξ·C + c)·stride + offset + tile] = (Bᵀ d B)[ξ] for each channel c of the image x [C, H, W] (H, W even).
    /// Rows first: d B along each row of the zero-padded plane; its rows are stored by parity so that the column
    /// transform reads the four rows of every tile row as four contiguous runs.
    /// </summary>
    public static void Input(ReadOnlySpan<float> x, Span<float> v, int channels, int h, int w, int stride, int offset, Span<float> scratch)
    {
        int tw = w / 2, tiles = h / 2 * tw, half = (h / 2 + 1) * tw, plane = 2 * half;
        for (int c = 0; c < channels; c++)
        {
            var src = x.Slice(c * h * w, h * w);
            for (int r = 0; r < h + 2; r++)   // padded row r is input row r − 1
            {
                int at = (r & 1) * half + (r >> 1) * tw;
                if (r == 0 || r == h + 1)
                {
                    for (int j = 0; j < 4; j++) scratch.Slice(j * plane + at, tw).Clear();
                    continue;
                }
                var row = src.Slice((r - 1) * w, w);
                for (int t = 0; t < tw; t++)
                {
                    float d0 = t > 0 ? row[2 * t - 1] : 0f, d1 = row[2 * t], d2 = row[2 * t + 1], d3 = t < tw - 1 ? row[2 * t + 2] : 0f;
                    scratch[at + t] = d0 - d2;
                    scratch[plane + at + t] = d1 + d2;
                    scratch[2 * plane + at + t] = d2 - d1;
                    scratch[3 * plane + at + t] = d1 - d3;
                }
            }
            // Tile row ty reads padded rows 2ty, 2ty+1, 2ty+2, 2ty+3: even[ty], odd[ty], even[ty+1], odd[ty+1].
            for (int j = 0; j < 4; j++)
            {
                var even = scratch.Slice(j * plane, half);
                var odd = scratch.Slice(j * plane + half, half);
                int at = c * stride + offset, step = channels * stride;
                BtRows(even, odd, even[tw..], odd[tw..], v.Slice(at + j * step, tiles), v.Slice(at + (4 + j) * step, tiles),
                    v.Slice(at + (8 + j) * step, tiles), v.Slice(at + (12 + j) * step, tiles));
            }
        }
    }

    /// <summary>
    /// y[o] = Aᵀ m A (+ bias[o]) for each output channel o of one image, from M[(ξ·O + o)·stride + offset + tile].
    /// Columns of the tile first (over all tiles at once), then rows, then the 2x2 results are scattered into the plane.
    /// </summary>
    public static void Output(ReadOnlySpan<float> m, Span<float> y, int channels, int h, int w, int stride, int offset, ReadOnlySpan<float> bias, Span<float> scratch)
    {
        int tw = w / 2, tiles = h / 2 * tw;
        var s = scratch[..(8 * tiles)];              // s(i, j) = (Aᵀ m)[i][j], at (4i + j)·tiles
        var q = scratch.Slice(8 * tiles, 4 * tiles);  // q(i, jj) = (Aᵀ m A)[i][jj], at (2i + jj)·tiles
        for (int o = 0; o < channels; o++)
        {
            int at = o * stride + offset, step = channels * stride;   // position ξ of this channel's tiles: at + ξ·step
            for (int j = 0; j < 4; j++)
                AtRows(m.Slice(at + j * step, tiles), m.Slice(at + (4 + j) * step, tiles), m.Slice(at + (8 + j) * step, tiles), m.Slice(at + (12 + j) * step, tiles),
                    s.Slice(j * tiles, tiles), s.Slice((4 + j) * tiles, tiles));
            for (int i = 0; i < 2; i++)
                AtRows(s.Slice(4 * i * tiles, tiles), s.Slice((4 * i + 1) * tiles, tiles), s.Slice((4 * i + 2) * tiles, tiles), s.Slice((4 * i + 3) * tiles, tiles),
                    q.Slice(2 * i * tiles, tiles), q.Slice((2 * i + 1) * tiles, tiles));
            float b = bias.IsEmpty ? 0f : bias[o];
            var dst = y.Slice(o * h * w, h * w);
            for (int i = 0; i < 2; i++)
            {
                var even = q.Slice(2 * i * tiles, tiles);        // column 2tx of output row 2ty + i
                var odd = q.Slice((2 * i + 1) * tiles, tiles);   // column 2tx + 1
                for (int ty = 0, k = 0; ty < h / 2; ty++)
                {
                    var row = dst.Slice((2 * ty + i) * w, w);
                    for (int tx = 0; tx < tw; tx++, k++) { row[2 * tx] = even[k] + b; row[2 * tx + 1] = odd[k] + b; }
                }
            }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="Output"/> (without bias): dM[(ξ·O + o)·stride + offset + tile] = (A dy Aᵀ)[ξ] for each
    /// channel of the image's output gradient dy [O, H, W]; the weight gradient is then dU[ξ] = dM[ξ] V[ξ]ᵀ.
    /// </summary>
    public static void OutputAdjoint(ReadOnlySpan<float> dy, Span<float> dm, int channels, int h, int w, int stride, int offset, Span<float> scratch)
    {
        int tw = w / 2, tiles = h / 2 * tw;
        var q = scratch[..(4 * tiles)];              // q(i, jj) = dy of the tile, at (2i + jj)·tiles
        var t = scratch.Slice(4 * tiles, 8 * tiles);  // t(i, b) = (dy Aᵀ)[i][b], at (4i + b)·tiles
        for (int o = 0; o < channels; o++)
        {
            var src = dy.Slice(o * h * w, h * w);
            for (int i = 0; i < 2; i++)
            {
                var even = q.Slice(2 * i * tiles, tiles);
                var odd = q.Slice((2 * i + 1) * tiles, tiles);
                for (int ty = 0, k = 0; ty < h / 2; ty++)
                {
                    var row = src.Slice((2 * ty + i) * w, w);
                    for (int tx = 0; tx < tw; tx++, k++) { even[k] = row[2 * tx]; odd[k] = row[2 * tx + 1]; }
                }
            }
            for (int i = 0; i < 2; i++)
                ARows(q.Slice(2 * i * tiles, tiles), q.Slice((2 * i + 1) * tiles, tiles),
                    t.Slice(4 * i * tiles, tiles), t.Slice((4 * i + 1) * tiles, tiles), t.Slice((4 * i + 2) * tiles, tiles), t.Slice((4 * i + 3) * tiles, tiles));
            int at = o * stride + offset, step = channels * stride;
            for (int b = 0; b < 4; b++)
                ARows(t.Slice(b * tiles, tiles), t.Slice((4 + b) * tiles, tiles), dm.Slice(at + b * step, tiles), dm.Slice(at + (4 + b) * step, tiles),
                    dm.Slice(at + (8 + b) * step, tiles), dm.Slice(at + (12 + b) * step, tiles));
        }
    }

    /// <summary>
    /// U[ξ][a][b] = (G g Gᵀ)[ξ] for every 3x3 filter of weight [O, C, 3, 3], as 16 matrices [O, C]; with
    /// <paramref name="flipped"/> the filters of the input gradient instead: g'[c][o] = g[o][c] rotated by 180°, as [C, O].
    /// </summary>
    public static void Filter(ReadOnlySpan<float> weight, Span<float> u, int outC, int inC, bool flipped) => Filter(weight, u, outC, inC, flipped, 0, outC);

    /// <summary><see cref="Filter(ReadOnlySpan{float}, Span{float}, int, int, bool)"/> of the filters of output channels [from, to) only.</summary>
    public static void Filter(ReadOnlySpan<float> weight, Span<float> u, int outC, int inC, bool flipped, int from, int to)
    {
        Span<float> g = stackalloc float[9];
        Span<float> gg = stackalloc float[12];   // G g: 4 x 3
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
                int at = flipped ? c * outC + o : o * inC + c, size = outC * inC;
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

    /// <summary>The adjoint of <see cref="Filter"/> (not flipped): dg = Gᵀ dU G for every filter, added into dweight [O, C, 3, 3].</summary>
    public static void FilterAdjoint(ReadOnlySpan<float> du, Span<float> dweight, int outC, int inC) => FilterAdjoint(du, dweight, outC, inC, 0, outC);

    /// <summary><see cref="FilterAdjoint(ReadOnlySpan{float}, Span{float}, int, int)"/> of the filters of output channels [from, to) only.</summary>
    public static void FilterAdjoint(ReadOnlySpan<float> du, Span<float> dweight, int outC, int inC, int from, int to)
    {
        Span<float> e = stackalloc float[12];   // dU G: 4 x 3
        int size = outC * inC;
        for (int at = from * inC; at < to * inC; at++)
        {
            for (int a = 0; a < 4; a++)
            {
                float d0 = du[(4 * a) * size + at], d1 = du[(4 * a + 1) * size + at], d2 = du[(4 * a + 2) * size + at], d3 = du[(4 * a + 3) * size + at];
                e[3 * a] = d0 + 0.5f * (d1 + d2); e[3 * a + 1] = 0.5f * (d1 - d2); e[3 * a + 2] = 0.5f * (d1 + d2) + d3;
            }
            var dg = dweight.Slice(at * 9, 9);
            for (int q = 0; q < 3; q++)
            {
                float e0 = e[q], e1 = e[3 + q], e2 = e[6 + q], e3 = e[9 + q];
                dg[q] += e0 + 0.5f * (e1 + e2); dg[3 + q] += 0.5f * (e1 - e2); dg[6 + q] += 0.5f * (e1 + e2) + e3;
            }
        }
    }

    /// <summary>Bᵀ along one axis, over every tile: (d0, d1, d2, d3) -> (d0 − d2, d1 + d2, d2 − d1, d1 − d3).</summary>
    private static void BtRows(ReadOnlySpan<float> d0, ReadOnlySpan<float> d1, ReadOnlySpan<float> d2, ReadOnlySpan<float> d3,
        Span<float> o0, Span<float> o1, Span<float> o2, Span<float> o3)
    {
        int n = o0.Length, k = 0;
        for (; k <= n - Vector256<float>.Count; k += Vector256<float>.Count)
        {
            var a0 = Vector256.Create(d0.Slice(k)); var a1 = Vector256.Create(d1.Slice(k));
            var a2 = Vector256.Create(d2.Slice(k)); var a3 = Vector256.Create(d3.Slice(k));
            (a0 - a2).CopyTo(o0.Slice(k)); (a1 + a2).CopyTo(o1.Slice(k)); (a2 - a1).CopyTo(o2.Slice(k)); (a1 - a3).CopyTo(o3.Slice(k));
        }
        for (; k < n; k++)
        {
            float a0 = d0[k], a1 = d1[k], a2 = d2[k], a3 = d3[k];
            o0[k] = a0 - a2; o1[k] = a1 + a2; o2[k] = a2 - a1; o3[k] = a1 - a3;
        }
    }

    /// <summary>Aᵀ along one axis: (m0, m1, m2, m3) -> (m0 + m1 + m2, m1 − m2 − m3).</summary>
    private static void AtRows(ReadOnlySpan<float> m0, ReadOnlySpan<float> m1, ReadOnlySpan<float> m2, ReadOnlySpan<float> m3, Span<float> o0, Span<float> o1)
    {
        int n = o0.Length, k = 0;
        for (; k <= n - Vector256<float>.Count; k += Vector256<float>.Count)
        {
            var a0 = Vector256.Create(m0.Slice(k)); var a1 = Vector256.Create(m1.Slice(k));
            var a2 = Vector256.Create(m2.Slice(k)); var a3 = Vector256.Create(m3.Slice(k));
            (a0 + a1 + a2).CopyTo(o0.Slice(k)); (a1 - a2 - a3).CopyTo(o1.Slice(k));
        }
        for (; k < n; k++) { o0[k] = m0[k] + m1[k] + m2[k]; o1[k] = m1[k] - m2[k] - m3[k]; }
    }

    /// <summary>A along one axis (the adjoint of Aᵀ): (p, q) -> (p, p + q, p − q, −q).</summary>
    private static void ARows(ReadOnlySpan<float> p, ReadOnlySpan<float> q, Span<float> o0, Span<float> o1, Span<float> o2, Span<float> o3)
    {
        int n = o0.Length, k = 0;
        for (; k <= n - Vector256<float>.Count; k += Vector256<float>.Count)
        {
            var a = Vector256.Create(p.Slice(k)); var b = Vector256.Create(q.Slice(k));
            a.CopyTo(o0.Slice(k)); (a + b).CopyTo(o1.Slice(k)); (a - b).CopyTo(o2.Slice(k)); (-b).CopyTo(o3.Slice(k));
        }
        for (; k < n; k++) { float a = p[k], b = q[k]; o0[k] = a; o1[k] = a + b; o2[k] = a - b; o3[k] = -b; }
    }
}
