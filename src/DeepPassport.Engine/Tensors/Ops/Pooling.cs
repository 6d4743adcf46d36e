using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using DeepPassport.Engine.Kernels;

namespace DeepPassport.Engine.Tensors;

public static partial class F
{
    private static (int n, int c, int h, int w, int oh, int ow) PoolShape(Tensor x, int kernel, int stride, int padding, string op)
    {
        if (x.Rank != 4) throw new ArgumentException($"{op}: input must be [N, C, H, W], got {x.ShapeString}.");
        if (kernel < 1 || stride < 1 || padding < 0 || padding > kernel / 2)
            throw new ArgumentException($"{op}: kernel {kernel}, stride {stride}, padding {padding} are not valid (padding at most half the kernel).");
        int h = x.Shape[2], w = x.Shape[3];
        int oh = (h + 2 * padding - kernel) / stride + 1, ow = (w + 2 * padding - kernel) / stride + 1;
        if (oh <= 0 || ow <= 0) throw new ArgumentException($"{op}: input {x.ShapeString} is smaller than the kernel {kernel}.");
        return (x.Shape[0], x.Shape[1], h, w, oh, ow);
    }

    /// <summary>Max pooling over kernel x kernel windows (padding never wins); the gradient goes to each window's arg-max.</summary>
    public static Tensor MaxPool2d(Tensor x, int kernel, int stride, int padding = 0)
    {
        var (n, c, h, w, oh, ow) = PoolShape(x, kernel, stride, padding, nameof(MaxPool2d));
        var y = Tensor.Uninitialized(n, c, oh, ow);
        // The arg-max indices live in pooled step storage (ints in a float array) rather than a fresh int[] per call,
        // which was 8 of the 9 MB an AlexNet training step allocated.
        var argStore = TensorScope.Rent(y.Size, clear: false);
        Parallelism.For(0, n * c, plane =>
        {
            var src = x.Data.AsSpan(plane * h * w, h * w);
            int o = plane * oh * ow;
            var arg = MemoryMarshal.Cast<float, int>(argStore.AsSpan());
            if (kernel == 2 && stride == 2 && padding == 0) { MaxPool2x2(src, w, oh, ow, y.Data.AsSpan(o, oh * ow), arg.Slice(o, oh * ow), plane * h * w); return; }
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++, o++)
                {
                    float best = float.NegativeInfinity; int bi = -1;
                    for (int ky = 0; ky < kernel; ky++)
                    {
                        int iy = oy * stride + ky - padding;
                        if ((uint)iy >= (uint)h) continue;
                        for (int kx = 0; kx < kernel; kx++)
                        {
                            int ix = ox * stride + kx - padding;
                            if ((uint)ix >= (uint)w) continue;
                            float v = src[iy * w + ix];
                            if (v > best || bi < 0 || float.IsNaN(v)) { best = v; bi = iy * w + ix; }
                        }
                    }
                    y.Data[o] = best;
                    arg[o] = plane * h * w + bi;
                }
        });
        return Tensor.Record(y, x, g =>
        {
            // Each output's arg-max lies in its own plane, so planes scatter independently.
            var d = TensorScope.Rent(x.Size);
            Parallelism.For(0, n * c, plane =>
            {
                var arg = MemoryMarshal.Cast<float, int>(argStore.AsSpan());
                for (int i = plane * oh * ow, end = i + oh * ow; i < end; i++) d[arg[i]] += g.Data[i];
            });
            x.AccumulateGradOwned(d);
        });
    }

    /// <summary>
    /// The common 2x2 stride-2 unpadded window, visited in the general loop's order (first maximum wins, NaN
    /// wins) without its bounds tests. <paramref name="arg"/> gets plane offset + row-major input index. With AVX-512,
    /// 16 windows at a time (<see cref="MaxPool16"/>), with AVX2 8 (<see cref="MaxPool8"/>): the scalar loop's branches
    /// on random data mispredicted so often that AlexNet's two large poolings took 7 % of a training step (9 % on AVX2).
    /// </summary>
    internal static unsafe void MaxPool2x2(ReadOnlySpan<float> src, int w, int oh, int ow, Span<float> dst, Span<int> arg, int planeOffset, int lanes = 0)
    {
        if (src.Length < (long)2 * oh * w || 2 * ow > w || dst.Length < oh * ow || arg.Length < oh * ow)
            throw new ArgumentException($"MaxPool2x2: buffers too small for {oh} x {ow} windows over rows of {w}.");
        int width = Lanes.Or(lanes);   // 0: the widest path the CPU has; a test asks for each
        bool by16 = width == 16 && Avx512F.IsSupported, by8 = width == 8 && Avx2.IsSupported;
        fixed (float* ps = src, pd = dst)
        fixed (int* pa = arg)
            for (int oy = 0; oy < oh; oy++)
            {
                int ox = 0, top = 2 * oy * w;
                if (by16)
                {
                    // Windows ox..ox+15 of this row; or, for 8-wide outputs, this row's 8 and the next row's 8.
                    for (; ox + 16 <= ow; ox += 16)
                        MaxPool16(ps, top + 2 * ox, top + 2 * ox + 16, w, planeOffset, pd + oy * ow + ox, pa + oy * ow + ox);
                    if (ow == 8 && oy + 1 < oh)
                    {
                        MaxPool16(ps, top, top + 2 * w, w, planeOffset, pd + oy * ow, pa + oy * ow);
                        oy++;
                        continue;
                    }
                }
                else if (by8)
                    for (; ox + 8 <= ow; ox += 8)
                        MaxPool8(ps, top + 2 * ox, w, planeOffset, pd + oy * ow + ox, pa + oy * ow + ox);
                for (; ox < ow; ox++)
                {
                    int i = top + 2 * ox;
                    float best = ps[i]; int bi = i;
                    float v = ps[i + 1]; if (v > best || float.IsNaN(v)) { best = v; bi = i + 1; }
                    v = ps[i + w]; if (v > best || float.IsNaN(v)) { best = v; bi = i + w; }
                    v = ps[i + w + 1]; if (v > best || float.IsNaN(v)) { best = v; bi = i + w + 1; }
                    pd[oy * ow + ox] = best;
                    pa[oy * ow + ox] = planeOffset + bi;
                }
            }
    }

    private static readonly Vector512<int> EvenLanes = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    private static readonly Vector512<int> OddLanes = EvenLanes + Vector512<int>.One;
    private static readonly Vector512<int> WindowColumn = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 0, 2, 4, 6, 8, 10, 12, 14);

    /// <summary>
    /// 16 windows whose top-left inputs are lo, lo+2, ..., lo+14 and hi, hi+2, ..., hi+14: the two rows of 16 inputs
    /// are split into even and odd columns (one two-vector permute each), and the four window positions compared in
    /// the scalar order, NaN winning.
    /// </summary>
    private static unsafe void MaxPool16(float* src, int lo, int hi, int w, int planeOffset, float* dst, int* arg)
    {
        Vector512<float> t0 = Vector512.Load(src + lo), t1 = Vector512.Load(src + hi);
        Vector512<float> b0 = Vector512.Load(src + lo + w), b1 = Vector512.Load(src + hi + w);
        var best = Avx512F.PermuteVar16x32x2(t0, EvenLanes, t1);
        var offset = Vector512<int>.Zero;
        Take(ref best, ref offset, Avx512F.PermuteVar16x32x2(t0, OddLanes, t1), 1);
        Take(ref best, ref offset, Avx512F.PermuteVar16x32x2(b0, EvenLanes, b1), w);
        Take(ref best, ref offset, Avx512F.PermuteVar16x32x2(b0, OddLanes, b1), w + 1);
        best.Store(dst);
        var start = Vector512.Create(Vector256.Create(planeOffset + lo), Vector256.Create(planeOffset + hi));
        (start + WindowColumn + offset).Store(arg);

        static void Take(ref Vector512<float> best, ref Vector512<int> offset, Vector512<float> v, int at)
        {
            var take = Vector512.GreaterThan(v, best) | ~Vector512.Equals(v, v);
            best = Vector512.ConditionalSelect(take, v, best);
            offset = Vector512.ConditionalSelect(take.AsInt32(), Vector512.Create(at), offset);
        }
    }

    private static readonly Vector256<int> WindowColumn8 = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);

    /// <summary>
    /// <see cref="MaxPool16"/> on AVX2: the 8 windows whose top-left inputs are lo, lo+2, ..., lo+14. A row's 16 inputs
    /// are split into even and odd columns by an in-lane shuffle of its two vectors (0x88 evens, 0xDD odds: a0 a2 b0 b2 |
    /// a4 a6 b4 b6) and a swap of the middle 64-bit quarters (0xD8: quarters 0 2 1 3).
    /// </summary>
    private static unsafe void MaxPool8(float* src, int lo, int w, int planeOffset, float* dst, int* arg)
    {
        Vector256<float> t0 = Vector256.Load(src + lo), t1 = Vector256.Load(src + lo + 8);
        Vector256<float> b0 = Vector256.Load(src + lo + w), b1 = Vector256.Load(src + lo + w + 8);
        var best = Evens(t0, t1);
        var offset = Vector256<int>.Zero;
        Take(ref best, ref offset, Odds(t0, t1), 1);
        Take(ref best, ref offset, Evens(b0, b1), w);
        Take(ref best, ref offset, Odds(b0, b1), w + 1);
        best.Store(dst);
        (Vector256.Create(planeOffset + lo) + WindowColumn8 + offset).Store(arg);

        static Vector256<float> Evens(Vector256<float> a, Vector256<float> b) => Avx2.Permute4x64(Avx.Shuffle(a, b, 0x88).AsDouble(), 0xD8).AsSingle();
        static Vector256<float> Odds(Vector256<float> a, Vector256<float> b) => Avx2.Permute4x64(Avx.Shuffle(a, b, 0xDD).AsDouble(), 0xD8).AsSingle();

        static void Take(ref Vector256<float> best, ref Vector256<int> offset, Vector256<float> v, int at)
        {
            var take = Vector256.GreaterThan(v, best) | ~Vector256.Equals(v, v);
            best = Vector256.ConditionalSelect(take, v, best);
            offset = Vector256.ConditionalSelect(take.AsInt32(), Vector256.Create(at), offset);
        }
    }

    /// <summary>Average pooling; padded positions count as zeros in the divisor (PyTorch's count_include_pad=True).</summary>
    public static Tensor AvgPool2d(Tensor x, int kernel, int stride, int padding = 0)
    {
        var (n, c, h, w, oh, ow) = PoolShape(x, kernel, stride, padding, nameof(AvgPool2d));
        var y = new Tensor(n, c, oh, ow);
        float inv = 1f / (kernel * kernel);
        // Visits every (output, input) pair of a plane: forward gathers, backward scatters.
        void Windows(int plane, Action<int, int> pair)
        {
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                    for (int ky = 0; ky < kernel; ky++)
                    {
                        int iy = oy * stride + ky - padding;
                        if ((uint)iy >= (uint)h) continue;
                        for (int kx = 0; kx < kernel; kx++)
                        {
                            int ix = ox * stride + kx - padding;
                            if ((uint)ix < (uint)w) pair(plane * oh * ow + oy * ow + ox, plane * h * w + iy * w + ix);
                        }
                    }
        }
        Parallelism.For(0, n * c, plane => Windows(plane, (o, i) => y.Data[o] += x.Data[i] * inv));
        return Tensor.Record(y, x, g =>
        {
            var d = TensorScope.Rent(x.Size);
            Parallelism.For(0, n * c, plane => Windows(plane, (o, i) => d[i] += g.Data[o] * inv));
            x.AccumulateGradOwned(d);
        });
    }

    /// <summary>[N, C, H, W] to [N, C, 1, 1] by averaging each plane; the gradient spreads evenly.</summary>
    public static Tensor AdaptiveAvgPool2d1x1(Tensor x)
    {
        if (x.Rank != 4) throw new ArgumentException($"AdaptiveAvgPool2d: input must be [N, C, H, W], got {x.ShapeString}.");
        int planes = x.Shape[0] * x.Shape[1], hw = x.Shape[2] * x.Shape[3];
        var y = new Tensor(x.Shape[0], x.Shape[1], 1, 1);
        for (int p = 0; p < planes; p++) y.Data[p] = TensorPrimitives.Sum(x.Data.AsSpan(p * hw, hw)) / hw;
        return Tensor.Record(y, x, g =>
        {
            var d = TensorScope.Rent(x.Size);
            for (int p = 0; p < planes; p++) d.AsSpan(p * hw, hw).Fill(g.Data[p] / hw);
            x.AccumulateGradOwned(d);
        });
    }
}
