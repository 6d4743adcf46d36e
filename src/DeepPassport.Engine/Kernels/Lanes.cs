using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepPassport.Engine.Kernels;

/// <summary>
/// A run of floats handled as one value: 16 (a Vector512), 8 (a Vector256) or 1 (a float, for a tail). Kernels are
/// written once against these operations and called at the width the CPU runs fastest (<see cref="Lanes.Width"/>);
/// the JIT compiles each width on its own, the wrapper gone.
/// </summary>
internal unsafe interface ILanes<TSelf> where TSelf : unmanaged, ILanes<TSelf>
{
    /// <summary>How many floats one value holds.</summary>
    static abstract int Count { get; }
    static abstract TSelf Load(float* p);
    static abstract void Store(TSelf v, float* p);
    static abstract TSelf Broadcast(float x);
    static abstract TSelf operator +(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a);
    static abstract TSelf operator *(float k, TSelf a);
    static abstract TSelf operator *(TSelf a, TSelf b);
    /// <summary>a b + c, rounded once.</summary>
    static abstract TSelf FusedMultiplyAdd(TSelf a, TSelf b, TSelf c);
    static abstract TSelf Max(TSelf a, TSelf b);
    /// <summary>Lane by lane: x &gt; 0 ? then : otherwise.</summary>
    static abstract TSelf IfPositive(TSelf x, TSelf then, TSelf otherwise);
    /// <summary>The sum of the lanes.</summary>
    static abstract float Sum(TSelf v);
    /// <summary>The lanes at p whose <paramref name="mask"/> lane has its sign bit set, zero in the others; the memory of
    /// those others is not touched (it may lie outside the buffer).</summary>
    static abstract TSelf MaskLoad(float* p, TSelf mask);
    /// <summary>Stores the lanes whose <paramref name="mask"/> lane has its sign bit set; the others' memory is not touched.</summary>
    static abstract void MaskStore(TSelf v, float* p, TSelf mask);
}

/// <summary>The widest lanes this CPU accelerates, chosen once.</summary>
internal static class Lanes
{
    /// <summary>16 where 512-bit vectors are fast (AVX-512), 8 where 256-bit ones are (AVX2), else 1.</summary>
    public static readonly int Width = Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : 1;

    /// <summary>The lanes asked for, or <see cref="Width"/> for 0 (a test asks for each width the CPU accelerates).</summary>
    public static int Or(int lanes) => lanes == 0 ? Width : lanes;

    /// <summary>Every width this CPU accelerates, scalar first.</summary>
    public static int[] Accelerated => Width == 16 ? [1, 8, 16] : Width == 8 ? [1, 8] : [1];
}

internal readonly unsafe struct Lanes16 : ILanes<Lanes16>
{
    private readonly Vector512<float> _v;
    private Lanes16(Vector512<float> v) => _v = v;
    public static int Count => 16;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 Load(float* p) => new(Vector512.Load(p));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes16 v, float* p) => v._v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 Broadcast(float x) => new(Vector512.Create(x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 operator +(Lanes16 a, Lanes16 b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 operator -(Lanes16 a, Lanes16 b) => new(a._v - b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 operator -(Lanes16 a) => new(-a._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 operator *(float k, Lanes16 a) => new(a._v * k);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 operator *(Lanes16 a, Lanes16 b) => new(a._v * b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 FusedMultiplyAdd(Lanes16 a, Lanes16 b, Lanes16 c) => new(Vector512.FusedMultiplyAdd(a._v, b._v, c._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 Max(Lanes16 a, Lanes16 b) => new(Vector512.Max(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 IfPositive(Lanes16 x, Lanes16 then, Lanes16 otherwise)
        => new(Vector512.ConditionalSelect(Vector512.GreaterThan(x._v, Vector512<float>.Zero), then._v, otherwise._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Lanes16 v) => Vector512.Sum(v._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes16 MaskLoad(float* p, Lanes16 mask) => new(Avx512F.MaskLoad(p, mask._v, Vector512<float>.Zero));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void MaskStore(Lanes16 v, float* p, Lanes16 mask) => Avx512F.MaskStore(p, mask._v, v._v);
}

internal readonly unsafe struct Lanes8 : ILanes<Lanes8>
{
    private readonly Vector256<float> _v;
    private Lanes8(Vector256<float> v) => _v = v;
    public static int Count => 8;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 Load(float* p) => new(Vector256.Load(p));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes8 v, float* p) => v._v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 Broadcast(float x) => new(Vector256.Create(x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 operator +(Lanes8 a, Lanes8 b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 operator -(Lanes8 a, Lanes8 b) => new(a._v - b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 operator -(Lanes8 a) => new(-a._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 operator *(float k, Lanes8 a) => new(a._v * k);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 operator *(Lanes8 a, Lanes8 b) => new(a._v * b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 FusedMultiplyAdd(Lanes8 a, Lanes8 b, Lanes8 c) => new(Vector256.FusedMultiplyAdd(a._v, b._v, c._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 Max(Lanes8 a, Lanes8 b) => new(Vector256.Max(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 IfPositive(Lanes8 x, Lanes8 then, Lanes8 otherwise)
        => new(Vector256.ConditionalSelect(Vector256.GreaterThan(x._v, Vector256<float>.Zero), then._v, otherwise._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Lanes8 v) => Vector256.Sum(v._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes8 MaskLoad(float* p, Lanes8 mask) => new(Avx.MaskLoad(p, mask._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void MaskStore(Lanes8 v, float* p, Lanes8 mask) => Avx.MaskStore(p, mask._v, v._v);
}

internal readonly unsafe struct Lanes1 : ILanes<Lanes1>
{
    private readonly float _v;
    private Lanes1(float v) => _v = v;
    public static int Count => 1;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 Load(float* p) => new(*p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes1 v, float* p) => *p = v._v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 Broadcast(float x) => new(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 operator +(Lanes1 a, Lanes1 b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 operator -(Lanes1 a, Lanes1 b) => new(a._v - b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 operator -(Lanes1 a) => new(-a._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 operator *(float k, Lanes1 a) => new(k * a._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 operator *(Lanes1 a, Lanes1 b) => new(a._v * b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 FusedMultiplyAdd(Lanes1 a, Lanes1 b, Lanes1 c) => new(MathF.FusedMultiplyAdd(a._v, b._v, c._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 Max(Lanes1 a, Lanes1 b) => new(MathF.Max(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 IfPositive(Lanes1 x, Lanes1 then, Lanes1 otherwise) => x._v > 0 ? then : otherwise;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Lanes1 v) => v._v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 MaskLoad(float* p, Lanes1 mask) => new(float.IsNegative(mask._v) ? *p : 0f);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void MaskStore(Lanes1 v, float* p, Lanes1 mask) { if (float.IsNegative(mask._v)) *p = v._v; }
}
