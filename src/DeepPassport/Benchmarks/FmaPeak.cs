using System.Diagnostics;
using System.Runtime.Intrinsics;
using DeepPassport.Engine.Kernels;

namespace DeepPassport.Benchmarks;

/// <summary>
/// The roof the GEMM runs under: GFLOPS of fused multiply-adds on registers alone, nothing read from or written to
/// memory, in the vector width the GEMM's micro-kernel uses. A GEMM figure means little without it: the same
/// AVX-512 core that gives 166 GFLOPS one day gives 117 another (a shared host, a lower AVX-512 clock), and a GEMM
/// at 90 % of this roof has nothing left to win by itself.
/// Twelve independent accumulators: an FMA has a latency of 4 cycles and two ports issue one each a cycle, so eight
/// chains in flight are the least that keeps both busy; twelve leave slack. Without AVX-512 it runs Vector256 (on a
/// CPU without FMA the runtime emulates it, and the figure is only as meaningful as the scalar GEMM it sits beside).
/// </summary>
public static class FmaPeak
{
    /// <summary>Loop trips per worker and timed call: 12 FMAs each, about a tenth of a second at AVX-512's peak.</summary>
    public const long DefaultIterations = 20_000_000;

    /// <summary>
    /// GFLOPS of one timed call; parallel runs one set of chains on each of <see cref="Parallelism.Degree"/> workers
    /// at once. The first call of a process also compiles the loops: time the second.
    /// </summary>
    public static double Once(bool parallel, long iterations = DefaultIterations)
    {
        int workers = parallel ? Parallelism.Degree : 1;
        bool wide = Gemm.Best == Gemm.Isa.Avx512;
        int lanes = wide ? Vector512<float>.Count : Vector256<float>.Count;
        var sinks = new float[workers];   // the chains' sums, so that the JIT cannot drop the loops
        void Worker(int w) => sinks[w] = wide ? Chains512(iterations) : Chains256(iterations);
        var clock = Stopwatch.StartNew();
        if (workers == 1) Worker(0);
        else Parallelism.For(0, workers, Worker);
        double seconds = clock.Elapsed.TotalSeconds;
        if (sinks.Any(float.IsNaN)) throw new InvalidOperationException("FMA peak: the chains diverged.");
        // flops = workers x iterations x 12 chains x lanes x 2 (a multiply and an add)
        return workers * (double)iterations * 12 * lanes * 2 / seconds / 1e9;
    }

    // a <- a * b + c with b just above 1 and c tiny: the values stay finite for any trip count.
    private static float Chains512(long iterations)
    {
        var b = Vector512.Create(1.0000001f);
        var c = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(0f), a1 = Vector512.Create(1f), a2 = Vector512.Create(2f), a3 = Vector512.Create(3f),
            a4 = Vector512.Create(4f), a5 = Vector512.Create(5f), a6 = Vector512.Create(6f), a7 = Vector512.Create(7f),
            a8 = Vector512.Create(8f), a9 = Vector512.Create(9f), a10 = Vector512.Create(10f), a11 = Vector512.Create(11f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, b, c); a1 = Vector512.FusedMultiplyAdd(a1, b, c);
            a2 = Vector512.FusedMultiplyAdd(a2, b, c); a3 = Vector512.FusedMultiplyAdd(a3, b, c);
            a4 = Vector512.FusedMultiplyAdd(a4, b, c); a5 = Vector512.FusedMultiplyAdd(a5, b, c);
            a6 = Vector512.FusedMultiplyAdd(a6, b, c); a7 = Vector512.FusedMultiplyAdd(a7, b, c);
            a8 = Vector512.FusedMultiplyAdd(a8, b, c); a9 = Vector512.FusedMultiplyAdd(a9, b, c);
            a10 = Vector512.FusedMultiplyAdd(a10, b, c); a11 = Vector512.FusedMultiplyAdd(a11, b, c);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    private static float Chains256(long iterations)
    {
        var b = Vector256.Create(1.0000001f);
        var c = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(0f), a1 = Vector256.Create(1f), a2 = Vector256.Create(2f), a3 = Vector256.Create(3f),
            a4 = Vector256.Create(4f), a5 = Vector256.Create(5f), a6 = Vector256.Create(6f), a7 = Vector256.Create(7f),
            a8 = Vector256.Create(8f), a9 = Vector256.Create(9f), a10 = Vector256.Create(10f), a11 = Vector256.Create(11f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, b, c); a1 = Vector256.FusedMultiplyAdd(a1, b, c);
            a2 = Vector256.FusedMultiplyAdd(a2, b, c); a3 = Vector256.FusedMultiplyAdd(a3, b, c);
            a4 = Vector256.FusedMultiplyAdd(a4, b, c); a5 = Vector256.FusedMultiplyAdd(a5, b, c);
            a6 = Vector256.FusedMultiplyAdd(a6, b, c); a7 = Vector256.FusedMultiplyAdd(a7, b, c);
            a8 = Vector256.FusedMultiplyAdd(a8, b, c); a9 = Vector256.FusedMultiplyAdd(a9, b, c);
            a10 = Vector256.FusedMultiplyAdd(a10, b, c); a11 = Vector256.FusedMultiplyAdd(a11, b, c);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
