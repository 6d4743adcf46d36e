using System.Runtime.CompilerServices;

namespace DeepPassport.Engine.Kernels;

/// <summary>
/// Fused elementwise kernels that TensorPrimitives has no single call for, so that normalisation and activation
/// layers read each array once. Each is written once on <see cref="ILanes{TSelf}"/> and runs at the widest lanes the CPU
/// accelerates (16 with AVX-512, 8 with AVX2), with a scalar tail; the scalar loops alone are <see cref="Reference"/>,
/// which the tests hold the vector paths to (each public kernel takes <c>lanes</c>, 0 for the widest, so that the tests
/// can run every width the CPU has).
/// </summary>
internal static unsafe class VectorOps
{
    /// <summary>dx = x &gt; 0 ? g : 0, the ReLU backward.</summary>
    public static void ReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> dx, int lanes = 0)
    {
        int n = Check(x.Length, g.Length, dx.Length), i;
        fixed (float* px = x, pg = g, pd = dx)
            i = Lanes.Or(lanes) switch { 16 => ReluBackward<Lanes16>(px, pg, pd, n), 8 => ReluBackward<Lanes8>(px, pg, pd, n), _ => 0 };
        Reference.ReluBackward(x[i..n], g[i..n], dx[i..n]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first step: no tier-0 pass over a whole activation
    private static int ReluBackward<L>(float* x, float* g, float* dx, int n) where L : unmanaged, ILanes<L>
    {
        int i = 0;
        for (; i <= n - L.Count; i += L.Count) L.Store(L.IfPositive(L.Load(x + i), L.Load(g + i), L.Broadcast(0f)), dx + i);
        return i;
    }

    /// <summary>dst = max(0, a + b), an addition and the ReLU after it in one pass.</summary>
    public static void AddRelu(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst, int lanes = 0)
    {
        int n = Check(a.Length, b.Length, dst.Length), i;
        fixed (float* pa = a, pb = b, pd = dst)
            i = Lanes.Or(lanes) switch { 16 => AddRelu<Lanes16>(pa, pb, pd, n), 8 => AddRelu<Lanes8>(pa, pb, pd, n), _ => 0 };
        Reference.AddRelu(a[i..n], b[i..n], dst[i..n]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first step: no tier-0 pass over a whole activation
    private static int AddRelu<L>(float* a, float* b, float* dst, int n) where L : unmanaged, ILanes<L>
    {
        int i = 0;
        for (; i <= n - L.Count; i += L.Count) L.Store(L.Max(L.Load(a + i) + L.Load(b + i), L.Broadcast(0f)), dst + i);
        return i;
    }

    /// <summary>y = x &gt; 0 ? x : slope x, the leaky ReLU.</summary>
    public static void LeakyRelu(ReadOnlySpan<float> x, float slope, Span<float> y, int lanes = 0)
    {
        int n = Check(x.Length, x.Length, y.Length), i;
        fixed (float* px = x, py = y)
            i = Lanes.Or(lanes) switch { 16 => LeakyRelu<Lanes16>(px, slope, py, n), 8 => LeakyRelu<Lanes8>(px, slope, py, n), _ => 0 };
        Reference.LeakyRelu(x[i..n], slope, y[i..n]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first step: no tier-0 pass over a whole activation
    private static int LeakyRelu<L>(float* x, float slope, float* y, int n) where L : unmanaged, ILanes<L>
    {
        int i = 0;
        for (; i <= n - L.Count; i += L.Count) { var v = L.Load(x + i); L.Store(L.IfPositive(v, v, slope * v), y + i); }
        return i;
    }

    /// <summary>dx = x &gt; 0 ? g : slope g, the leaky ReLU backward.</summary>
    public static void LeakyReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> g, float slope, Span<float> dx, int lanes = 0)
    {
        int n = Check(x.Length, g.Length, dx.Length), i;
        fixed (float* px = x, pg = g, pd = dx)
            i = Lanes.Or(lanes) switch { 16 => LeakyReluBackward<Lanes16>(px, pg, slope, pd, n), 8 => LeakyReluBackward<Lanes8>(px, pg, slope, pd, n), _ => 0 };
        Reference.LeakyReluBackward(x[i..n], g[i..n], slope, dx[i..n]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first step: no tier-0 pass over a whole activation
    private static int LeakyReluBackward<L>(float* x, float* g, float slope, float* dx, int n) where L : unmanaged, ILanes<L>
    {
        int i = 0;
        for (; i <= n - L.Count; i += L.Count) { var vg = L.Load(g + i); L.Store(L.IfPositive(L.Load(x + i), vg, slope * vg), dx + i); }
        return i;
    }

    /// <summary>dst = a x + b.</summary>
    public static void Affine(ReadOnlySpan<float> x, float a, float b, Span<float> dst, int lanes = 0)
    {
        int n = Check(x.Length, x.Length, dst.Length), i;
        fixed (float* px = x, pd = dst)
            i = Lanes.Or(lanes) switch { 16 => Affine<Lanes16>(px, a, b, false, pd, n), 8 => Affine<Lanes8>(px, a, b, false, pd, n), _ => 0 };
        Reference.Affine(x[i..n], a, b, dst[i..n]);
    }

    /// <summary>dst = max(a x + b, 0): an affine map with a ReLU after it (batch norm and ReLU in one pass).</summary>
    public static void AffineRelu(ReadOnlySpan<float> x, float a, float b, Span<float> dst, int lanes = 0)
    {
        int n = Check(x.Length, x.Length, dst.Length), i;
        fixed (float* px = x, pd = dst)
            i = Lanes.Or(lanes) switch { 16 => Affine<Lanes16>(px, a, b, true, pd, n), 8 => Affine<Lanes8>(px, a, b, true, pd, n), _ => 0 };
        Reference.AffineRelu(x[i..n], a, b, dst[i..n]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first step: no tier-0 pass over a whole activation
    private static int Affine<L>(float* x, float a, float b, bool relu, float* dst, int n) where L : unmanaged, ILanes<L>
    {
        var va = L.Broadcast(a); var vb = L.Broadcast(b); var zero = L.Broadcast(0f);
        int i = 0;
        if (relu) for (; i <= n - L.Count; i += L.Count) L.Store(L.Max(L.FusedMultiplyAdd(L.Load(x + i), va, vb), zero), dst + i);
        else for (; i <= n - L.Count; i += L.Count) L.Store(L.FusedMultiplyAdd(L.Load(x + i), va, vb), dst + i);
        return i;
    }

    /// <summary>dst = a g + b x + c, the normalisation backward once its per-slot sums are known.</summary>
    public static void Combine(ReadOnlySpan<float> g, ReadOnlySpan<float> x, float a, float b, float c, Span<float> dst, ReluGate gate = default, int lanes = 0)
    {
        int n = Check(g.Length, x.Length, dst.Length), i;
        fixed (float* pg = g, px = x, pd = dst)
            i = Lanes.Or(lanes) switch { 16 => Combine<Lanes16>(pg, px, a, b, c, pd, gate, n), 8 => Combine<Lanes8>(pg, px, a, b, c, pd, gate, n), _ => 0 };
        Reference.Combine(g[i..n], x[i..n], a, b, c, dst[i..n], gate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first step: no tier-0 pass over a whole activation
    private static int Combine<L>(float* g, float* x, float a, float b, float c, float* dst, ReluGate gate, int n) where L : unmanaged, ILanes<L>
    {
        var va = L.Broadcast(a); var vb = L.Broadcast(b); var vc = L.Broadcast(c);
        int i = 0;
        for (; i <= n - L.Count; i += L.Count)
        {
            var vx = L.Load(x + i);
            L.Store(L.FusedMultiplyAdd(gate.Pass(L.Load(g + i), vx), va, L.FusedMultiplyAdd(vx, vb, vc)), dst + i);
        }
        return i;
    }

    /// <summary>sum (x - m)^2: the spread of a plane about its own mean, without the cancellation of E[x^2] - m^2.</summary>
    public static float CenteredSquares(ReadOnlySpan<float> x, float m, int lanes = 0)
    {
        int n = x.Length, i;
        float s;
        fixed (float* px = x)
            (i, s) = Lanes.Or(lanes) switch { 16 => CenteredSquares<Lanes16>(px, m, n), 8 => CenteredSquares<Lanes8>(px, m, n), _ => (0, 0f) };
        return s + Reference.CenteredSquares(x[i..], m);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first step: no tier-0 pass over a whole activation
    private static (int, float) CenteredSquares<L>(float* x, float m, int n) where L : unmanaged, ILanes<L>
    {
        var vm = L.Broadcast(m); var acc = L.Broadcast(0f);
        int i = 0;
        for (; i <= n - L.Count; i += L.Count) { var d = L.Load(x + i) - vm; acc = L.FusedMultiplyAdd(d, d, acc); }
        return (i, L.Sum(acc));
    }

    /// <summary>(sum g, sum g (x - m)) in one pass: the two sums of a normalisation backward (g through the gate).</summary>
    public static (float SumG, float SumGX) CenteredDot(ReadOnlySpan<float> g, ReadOnlySpan<float> x, float m, ReluGate gate = default, int lanes = 0)
    {
        int n = Check(g.Length, x.Length, x.Length), i;
        float sg, sgx;
        fixed (float* pg = g, px = x)
            (i, sg, sgx) = Lanes.Or(lanes) switch { 16 => CenteredDot<Lanes16>(pg, px, m, gate, n), 8 => CenteredDot<Lanes8>(pg, px, m, gate, n), _ => (0, 0f, 0f) };
        var (tg, tgx) = Reference.CenteredDot(g[i..n], x[i..n], m, gate);
        return (sg + tg, sgx + tgx);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first step: no tier-0 pass over a whole activation
    private static (int, float, float) CenteredDot<L>(float* g, float* x, float m, ReluGate gate, int n) where L : unmanaged, ILanes<L>
    {
        var vm = L.Broadcast(m); var a0 = L.Broadcast(0f); var a1 = a0;
        int i = 0;
        for (; i <= n - L.Count; i += L.Count)
        {
            var vx = L.Load(x + i);
            var vg = gate.Pass(L.Load(g + i), vx);
            a0 += vg;
            a1 = L.FusedMultiplyAdd(vg, vx - vm, a1);
        }
        return (i, L.Sum(a0), L.Sum(a1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Check(int a, int b, int c)
        => a == b && a <= c ? a : throw new ArgumentException($"Span lengths {a}, {b}, {c} do not match.");

    /// <summary>The plain loops: the tails of the vector paths, and the yardstick of the tests.</summary>
    public static class Reference
    {
        public static void AddRelu(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst)
        {
            for (int i = 0; i < a.Length; i++) dst[i] = MathF.Max(0f, a[i] + b[i]);
        }

        public static void LeakyRelu(ReadOnlySpan<float> x, float slope, Span<float> y)
        {
            for (int i = 0; i < x.Length; i++) y[i] = x[i] > 0 ? x[i] : slope * x[i];
        }

        public static void LeakyReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> g, float slope, Span<float> dx)
        {
            for (int i = 0; i < x.Length; i++) dx[i] = x[i] > 0 ? g[i] : slope * g[i];
        }

        public static void ReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> dx)
        {
            for (int i = 0; i < x.Length; i++) dx[i] = x[i] > 0 ? g[i] : 0f;
        }

        public static void Affine(ReadOnlySpan<float> x, float a, float b, Span<float> dst)
        {
            for (int i = 0; i < x.Length; i++) dst[i] = MathF.FusedMultiplyAdd(x[i], a, b);
        }

        public static void AffineRelu(ReadOnlySpan<float> x, float a, float b, Span<float> dst)
        {
            for (int i = 0; i < x.Length; i++) dst[i] = Math.Max(MathF.FusedMultiplyAdd(x[i], a, b), 0f);
        }

        public static void Combine(ReadOnlySpan<float> g, ReadOnlySpan<float> x, float a, float b, float c, Span<float> dst, ReluGate gate = default)
        {
            for (int i = 0; i < g.Length; i++) dst[i] = a * gate.Pass(g[i], x[i]) + (b * x[i] + c);
        }

        public static float CenteredSquares(ReadOnlySpan<float> x, float m)
        {
            float s = 0;
            foreach (float v in x) s += (v - m) * (v - m);
            return s;
        }

        public static (float SumG, float SumGX) CenteredDot(ReadOnlySpan<float> g, ReadOnlySpan<float> x, float m, ReluGate gate = default)
        {
            float sg = 0, sgx = 0;
            for (int i = 0; i < g.Length; i++) { float gi = gate.Pass(g[i], x[i]); sg += gi; sgx += gi * (x[i] - m); }
            return (sg, sgx);
        }
    }
}

/// <summary>
/// Where a gradient passes through a ReLU fused after an affine map y = max(a x + b, 0): only where a x + b &gt; 0,
/// recomputed from x by the same fused multiply-add as the forward pass (<see cref="VectorOps.AffineRelu"/>), so the
/// mask is the forward pass's exactly and y need not be read. The default lets every gradient through.
/// </summary>
internal readonly record struct ReluGate(bool On, float A, float B)
{
    /// <summary>The gate of max(a x + b, 0).</summary>
    public static ReluGate After(float a, float b) => new(true, a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public L Pass<L>(L g, L x) where L : unmanaged, ILanes<L>
        => !On ? g : L.IfPositive(L.FusedMultiplyAdd(x, L.Broadcast(A), L.Broadcast(B)), g, L.Broadcast(0f));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Pass(float g, float x) => !On || MathF.FusedMultiplyAdd(x, A, B) > 0f ? g : 0f;
}
