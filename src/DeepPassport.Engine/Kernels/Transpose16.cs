using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepPassport.Engine.Kernels;

/// <summary>
/// dst[j, i] = src[i, j] for a 16 x 16 block of floats in AVX-512 registers: four rounds of 16 shuffles for 256 values
/// (0.25 a value) where <see cref="Transpose8"/> takes three rounds of 8 for 64 (0.375), with half as many loads and
/// stores. The Winograd transforms' NCHW &lt;-&gt; pixel-major moves are runs of these.
/// </summary>
internal static unsafe class Transpose16
{
    public static bool IsSupported => Avx512F.IsSupported;

    /// <summary>Rows of src are srcStride floats apart, rows of dst dstStride apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Block(float* src, long srcStride, float* dst, long dstStride)
    {
        // Round 1, pairs of rows interleaved: a0 = r0[0] r1[0] r0[1] r1[1] in each 128-bit lane (columns 4l .. 4l + 1).
        var (a0, a1) = Pair(src, srcStride, 0); var (a2, a3) = Pair(src, srcStride, 2);
        var (a4, a5) = Pair(src, srcStride, 4); var (a6, a7) = Pair(src, srcStride, 6);
        var (a8, a9) = Pair(src, srcStride, 8); var (a10, a11) = Pair(src, srcStride, 10);
        var (a12, a13) = Pair(src, srcStride, 12); var (a14, a15) = Pair(src, srcStride, 14);
        // Round 2, pairs of pairs as 64-bit units: b0 = column 4l of rows 0-3 in lane l, b1 = column 4l + 1, ...
        var (b0, b1) = Quad(a0, a2); var (b2, b3) = Quad(a1, a3);
        var (b4, b5) = Quad(a4, a6); var (b6, b7) = Quad(a5, a7);
        var (b8, b9) = Quad(a8, a10); var (b10, b11) = Quad(a9, a11);
        var (b12, b13) = Quad(a12, a14); var (b14, b15) = Quad(a13, a15);
        // b(4g + q) holds, in lane l, column 4l + q of rows 4g .. 4g + 3. Rounds 3 and 4 gather the four lanes of column
        // 4l + q from b(q), b(4 + q), b(8 + q), b(12 + q).
        Column(b0, b4, b8, b12, dst, dstStride, 0);
        Column(b1, b5, b9, b13, dst, dstStride, 1);
        Column(b2, b6, b10, b14, dst, dstStride, 2);
        Column(b3, b7, b11, b15, dst, dstStride, 3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float>, Vector512<float>) Pair(float* src, long stride, int row)
    {
        var x = Avx512F.LoadVector512(src + row * stride);
        var y = Avx512F.LoadVector512(src + (row + 1) * stride);
        return (Avx512F.UnpackLow(x, y), Avx512F.UnpackHigh(x, y));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float>, Vector512<float>) Quad(Vector512<float> x, Vector512<float> y)
        => (Avx512F.UnpackLow(x.AsDouble(), y.AsDouble()).AsSingle(), Avx512F.UnpackHigh(x.AsDouble(), y.AsDouble()).AsSingle());

    /// <summary>
    /// From p, q, r, s (rows 0-3, 4-7, 8-11, 12-15 of columns 4l + c in lane l), the four output rows 4l + c:
    /// lanes (p0 q0 r0 s0), (p1 q1 r1 s1), ... via two rounds of 128-bit lane shuffles.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Column(Vector512<float> p, Vector512<float> q, Vector512<float> r, Vector512<float> s, float* dst, long stride, int c)
    {
        var pq02 = Avx512F.Shuffle4x128(p, q, 0b10_00_10_00);   // p0 p2 q0 q2
        var pq13 = Avx512F.Shuffle4x128(p, q, 0b11_01_11_01);   // p1 p3 q1 q3
        var rs02 = Avx512F.Shuffle4x128(r, s, 0b10_00_10_00);   // r0 r2 s0 s2
        var rs13 = Avx512F.Shuffle4x128(r, s, 0b11_01_11_01);   // r1 r3 s1 s3
        Avx512F.Store(dst + c * stride, Avx512F.Shuffle4x128(pq02, rs02, 0b10_00_10_00));         // p0 q0 r0 s0: column c
        Avx512F.Store(dst + (4 + c) * stride, Avx512F.Shuffle4x128(pq13, rs13, 0b10_00_10_00));   // p1 q1 r1 s1: column 4 + c
        Avx512F.Store(dst + (8 + c) * stride, Avx512F.Shuffle4x128(pq02, rs02, 0b11_01_11_01));   // p2 q2 r2 s2: column 8 + c
        Avx512F.Store(dst + (12 + c) * stride, Avx512F.Shuffle4x128(pq13, rs13, 0b11_01_11_01));  // p3 q3 r3 s3: column 12 + c
    }
}
