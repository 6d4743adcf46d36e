using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DeepPassport.Engine.Kernels;

/// <summary>
/// Fused elementwise kernels that TensorPrimitives has no single call for, so that normalisation and activation
/// layers read each array once. Each runs on Vector512 where the CPU accelerates it, with a scalar tail; the
/// scalar loops alone are <see cref="Reference"/>, which the tests hold the vector paths to.
/// </summary>
internal static class VectorOps
{
    private static bool Wide => Vector512.IsHardwareAccelerated;

    /// <summary>dx = x &gt; 0 ? g : 0, the ReLU backward.</summary>
    public static void ReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> dx)
    {
        int n = Check(x.Length, g.Length, dx.Length), i = 0;
        if (Wide)
            for (; i <= n - 16; i += 16)
            {
                var v = Vector512.Create(x.Slice(i, 16));
                Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<float>.Zero), Vector512.Create(g.Slice(i, 16)), Vector512<float>.Zero)
                    .CopyTo(dx.Slice(i, 16));
            }
        Reference.ReluBackward(x[i..n], g[i..n], dx[i..n]);
    }

    /// <summary>dst = max(0, a + b), an addition and the ReLU after it in one pass.</summary>
    public static void AddRelu(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst)
    {
        int n = Check(a.Length, b.Length, dst.Length), i = 0;
        if (Wide)
            for (; i <= n - 16; i += 16)
                Vector512.Max(Vector512.Create(a.Slice(i, 16)) + Vector512.Create(b.Slice(i, 16)), Vector512<float>.Zero).CopyTo(dst.Slice(i, 16));
        Reference.AddRelu(a[i..n], b[i..n], dst[i..n]);
    }

    /// <summary>y = x &gt; 0 ? x : slope x, the leaky ReLU.</summary>
    public static void LeakyRelu(ReadOnlySpan<float> x, float slope, Span<float> y)
    {
        int n = Check(x.Length, x.Length, y.Length), i = 0;
        if (Wide)
        {
            var vs = Vector512.Create(slope);
            for (; i <= n - 16; i += 16)
            {
                var v = Vector512.Create(x.Slice(i, 16));
                Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<float>.Zero), v, v * vs).CopyTo(y.Slice(i, 16));
            }
        }
        Reference.LeakyRelu(x[i..n], slope, y[i..n]);
    }

    /// <summary>dx = x &gt; 0 ? g : slope g, the leaky ReLU backward.</summary>
    public static void LeakyReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> g, float slope, Span<float> dx)
    {
        int n = Check(x.Length, g.Length, dx.Length), i = 0;
        if (Wide)
        {
            var vs = Vector512.Create(slope);
            for (; i <= n - 16; i += 16)
            {
                var vg = Vector512.Create(g.Slice(i, 16));
                Vector512.ConditionalSelect(Vector512.GreaterThan(Vector512.Create(x.Slice(i, 16)), Vector512<float>.Zero), vg, vg * vs).CopyTo(dx.Slice(i, 16));
            }
        }
        Reference.LeakyReluBackward(x[i..n], g[i..n], slope, dx[i..n]);
    }

    /// <summary>dst = a x + b.</summary>
    public static void Affine(ReadOnlySpan<float> x, float a, float b, Span<float> dst)
    {
        int n = Check(x.Length, x.Length, dst.Length), i = 0;
        if (Wide)
        {
            var va = Vector512.Create(a); var vb = Vector512.Create(b);
            for (; i <= n - 16; i += 16) Vector512.FusedMultiplyAdd(Vector512.Create(x.Slice(i, 16)), va, vb).CopyTo(dst.Slice(i, 16));
        }
        Reference.Affine(x[i..n], a, b, dst[i..n]);
    }

    /// <summary>dst = max(a x + b, 0): an affine map with a ReLU after it (batch norm and ReLU in one pass).</summary>
    public static void AffineRelu(ReadOnlySpan<float> x, float a, float b, Span<float> dst)
    {
        int n = Check(x.Length, x.Length, dst.Length), i = 0;
        if (Wide)
        {
            var va = Vector512.Create(a); var vb = Vector512.Create(b);
            for (; i <= n - 16; i += 16)
                Vector512.Max(Vector512.FusedMultiplyAdd(Vector512.Create(x.Slice(i, 16)), va, vb), Vector512<float>.Zero).CopyTo(dst.Slice(i, 16));
        }
        Reference.AffineRelu(x[i..n], a, b, dst[i..n]);
    }

    /// <summary>dst = a g + b x + c, the normalisation backward once its per-slot sums are known.</summary>
    public static void Combine(ReadOnlySpan<float> g, ReadOnlySpan<float> x, float a, float b, float c, Span<float> dst, ReluGate gate = default)
    {
        int n = Check(g.Length, x.Length, dst.Length), i = 0;
        if (Wide)
        {
            var va = Vector512.Create(a); var vb = Vector512.Create(b); var vc = Vector512.Create(c);
            for (; i <= n - 16; i += 16)
            {
                var vx = Vector512.Create(x.Slice(i, 16));
                var t = Vector512.FusedMultiplyAdd(vx, vb, vc);
                Vector512.FusedMultiplyAdd(gate.Pass(Vector512.Create(g.Slice(i, 16)), vx), va, t).CopyTo(dst.Slice(i, 16));
            }
        }
        Reference.Combine(g[i..n], x[i..n], a, b, c, dst[i..n], gate);
    }

    /// <summary>sum (x - m)^2: the spread of a plane about its own mean, without the cancellation of E[x^2] - m^2.</summary>
    public static float CenteredSquares(ReadOnlySpan<float> x, float m)
    {
        int n = x.Length, i = 0;
        float s = 0;
        if (Wide && n >= 16)
        {
            var vm = Vector512.Create(m); var acc = Vector512<float>.Zero;
            for (; i <= n - 16; i += 16) { var d = Vector512.Create(x.Slice(i, 16)) - vm; acc = Vector512.FusedMultiplyAdd(d, d, acc); }
            s = Vector512.Sum(acc);
        }
        return s + Reference.CenteredSquares(x[i..], m);
    }

    /// <summary>(sum g, sum g (x - m)) in one pass: the two sums of a normalisation backward (g through the gate).</summary>
    public static (float SumG, float SumGX) CenteredDot(ReadOnlySpan<float> g, ReadOnlySpan<float> x, float m, ReluGate gate = default)
    {
        int n = Check(g.Length, x.Length, x.Length), i = 0;
        float sg = 0, sgx = 0;
        if (Wide && n >= 16)
        {
            var vm = Vector512.Create(m); var a0 = Vector512<float>.Zero; var a1 = Vector512<float>.Zero;
            for (; i <= n - 16; i += 16)
            {
                var vx = Vector512.Create(x.Slice(i, 16));
                var vg = gate.Pass(Vector512.Create(g.Slice(i, 16)), vx);
                a0 += vg;
                a1 = Vector512.FusedMultiplyAdd(vg, vx - vm, a1);
            }
            sg = Vector512.Sum(a0); sgx = Vector512.Sum(a1);
        }
        var (tg, tgx) = Reference.CenteredDot(g[i..n], x[i..n], m, gate);
        return (sg + tg, sgx + tgx);
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
    public Vector512<float> Pass(Vector512<float> g, Vector512<float> x) => !On ? g
        : Vector512.ConditionalSelect(Vector512.GreaterThan(Vector512.FusedMultiplyAdd(x, Vector512.Create(A), Vector512.Create(B)), Vector512<float>.Zero), g, Vector512<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Pass(float g, float x) => !On || MathF.FusedMultiplyAdd(x, A, B) > 0f ? g : 0f;
}
