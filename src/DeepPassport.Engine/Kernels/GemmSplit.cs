namespace DeepPassport.Engine.Kernels;

/// <summary>
/// How <see cref="Gemm"/> splits one product between the worker threads (<see cref="Parallelism"/>): by row blocks of A,
/// by column ranges of B, or by row blocks within each K block. The packing and the micro-kernels are in Gemm.cs.
/// </summary>
public static unsafe partial class Gemm
{
    /// <summary>
    /// Splits a product between threads when asked: by row blocks of A when there are enough of them
    /// (<see cref="RowBlocks"/>), else by column ranges when there are at least 4 column panels a thread (taken as the
    /// threads come free, in shrinking shares: <see cref="TakeColumns"/>; each range packs its own B; A is packed once
    /// beforehand, its row panels split between the threads, since packing all of A again for each column range cost a
    /// fifth of the time), otherwise by row blocks of A within each K block, B packed by one thread.
    /// </summary>
    private static void Run(Isa isa, bool transA, float* a, float* aPacked, bool transB, float* b, float* c, int m, int n, int k, bool accumulate, bool parallel)
    {
        var (mr, nr) = TileOf(isa);
        int panels = (n + nr - 1) / nr, workers = parallel ? Parallelism.ChunkCount(panels) : 1;
        if (aPacked is null && workers > 1 && (m + MC - 1) / MC >= RowSplitMinBlocks * workers && panels >= 4 * workers)
            RowBlocks(isa, transA, a, transB, b, c, m, n, k, accumulate, workers);
        else if (workers > 1 && panels >= 4 * workers)
        {
            float[]? shared = aPacked is null ? ArrayPoolF.Rent((m + mr - 1) / mr * mr * k + 16) : null;
            try
            {
                fixed (float* ps = shared)
                {
                    if (shared is not null) aPacked = PackAll(transA, a, m, k, mr, Align64(ps), parallel: true);
                    nint pap = (nint)aPacked, pb = (nint)b, pc = (nint)c;
                    int next = 0;
                    Parallelism.For(0, workers, _ =>
                    {
                        while (TakeColumns(ref next, panels, workers) is var (p0, p1) && p1 > p0)
                        {
                            int j0 = p0 * nr, j1 = Math.Min(n, p1 * nr);
                            float* bt = (float*)pb + (transB ? (long)j0 * k : j0);
                            Columns(isa, transA, null, (float*)pap, transB, bt, null, (float*)pc + j0, m, j1 - j0, k, n, accumulate, false);
                        }
                    });
                }
            }
            finally { if (shared is not null) ArrayPoolF.Return(shared); }
        }
        else Columns(isa, transA, a, aPacked, transB, b, null, c, m, n, k, n, accumulate, parallel);
    }

    /// <summary>
    /// Row blocks of A a thread a product needs to be split by them (<see cref="RowBlocks"/>). Alternated in one process
    /// against the column split, 2 threads: 1024³ 1.053 and 1.057x (17 of 24 rounds each), Aᵀ 1.044x, 512³ 1.114x,
    /// 2048 x 512 x 256 with Bᵀ 1.146x; at 2 blocks a thread level (384 x 1024 x 1024 1.019x, 300 x 512 x 2048 1.015x);
    /// at 1 or 1.5 a thread slower (0.979x, 0.852x: one thread waits for the other's last block).
    /// </summary>
    private const int RowSplitMinBlocks = 2;

    /// <summary>
    /// A product split between threads by row blocks of A, B's K blocks packed once into one of two shared buffers:
    /// one sequence of work items, K block by K block, first B's panels in groups of 4 then A's row blocks, taken as
    /// threads come free. Each thread packs its row block of A into its own cache and runs it against all of B's
    /// panels, as a serial product does. An item waits only for earlier items, which are all taken and whose holders
    /// wait only for earlier ones still, so the threads never wait on each other in a circle: a row block for the
    /// K block's packed panels and for its own rows in the previous K block (both add into those rows of C), a panel
    /// group for the rows of two K blocks back (which read the buffer it writes).
    /// </summary>
    private static void RowBlocks(Isa isa, bool transA, float* a, bool transB, float* b, float* c, int m, int n, int k, bool accumulate, int workers)
    {
        var (mr, nr) = TileOf(isa);
        int panels = (n + nr - 1) / nr, groups = (panels + 3) / 4, mBlocks = (m + MC - 1) / MC, kBlocks = (k + KC - 1) / KC;
        int perK = groups + mBlocks, items = kBlocks * perK, next = 0, failed = 0;
        // Counters a waiting item reads: B's panel groups packed and row blocks done, each K block; each row block done.
        var packed = new int[kBlocks]; var rowsDone = new int[kBlocks]; var blockDone = new int[kBlocks * mBlocks];
        int size = panels * nr * KC + 16;
        float[] buf0 = ArrayPoolF.Rent(size), buf1 = ArrayPoolF.Rent(size);
        try
        {
            fixed (float* p0Buf = buf0, p1Buf = buf1)
            {
                nint pa = (nint)a, pb = (nint)b, pc = (nint)c, bufs0 = (nint)Align64(p0Buf), bufs1 = (nint)Align64(p1Buf);
                // False when another thread failed: this one stops, and that one's exception is the one reported.
                bool Item(int item)
                {
                    int kb = item / perK, j = item % perK, p0 = kb * KC, kc = Math.Min(KC, k - p0);
                    float* bp = (float*)(kb % 2 == 0 ? bufs0 : bufs1);
                    if (j < groups)
                    {
                        if (kb >= 2 && !WaitFor(ref rowsDone[kb - 2], mBlocks, ref failed)) return false;
                        int j0 = j * 4 * nr, j1 = Math.Min(n, j0 + 4 * nr);
                        float* bt = (float*)pb + (transB ? (long)j0 * k : j0);
                        PackB(transB, bt, j1 - j0, k, n, p0, kc, nr, bp + (long)j0 * kc);
                        Interlocked.Increment(ref packed[kb]);
                    }
                    else
                    {
                        int ib = j - groups;
                        if (!WaitFor(ref packed[kb], groups, ref failed)) return false;
                        if (kb >= 1 && !WaitFor(ref blockDone[(kb - 1) * mBlocks + ib], 1, ref failed)) return false;
                        new Job(isa, transA, (float*)pa, null, bp, (float*)pc, m, n, k, n, p0, kc, mr, nr, store: !accumulate && p0 == 0).RunBlock(ib);
                        Volatile.Write(ref blockDone[kb * mBlocks + ib], 1);
                        Interlocked.Increment(ref rowsDone[kb]);
                    }
                    return true;
                }
                Parallelism.For(0, workers, _ =>
                {
                    try
                    {
                        for (int item = Interlocked.Increment(ref next) - 1; item < items; item = Interlocked.Increment(ref next) - 1)
                            if (!Item(item)) return;
                    }
                    catch { Volatile.Write(ref failed, 1); throw; }   // so that no other thread waits for this one's items forever
                });
            }
        }
        finally { ArrayPoolF.Return(buf0); ArrayPoolF.Return(buf1); }
    }

    /// <summary>
    /// Spins (never sleeping) until <paramref name="counter"/> reaches <paramref name="target"/>: true, or false as soon
    /// as another thread of the product has failed.
    /// </summary>
    private static bool WaitFor(ref int counter, int target, ref int failed)
    {
        var sw = new SpinWait();
        while (Volatile.Read(ref counter) < target)
        {
            if (Volatile.Read(ref failed) != 0) return false;
            sw.SpinOnce(-1);
        }
        return true;
    }

    /// <summary>
    /// The next range [p0, p1) of a product's column panels for a thread that came free: a 1/(2·workers) share of the
    /// panels left, at least 2 (guided scheduling). Big ranges first keep B's packing and A's streaming few; small ones
    /// last let the threads finish together. This host's vCPUs run at uneven speeds at times (one at 65 GFLOPS while the
    /// other ran at 150). Alternated in one process, 1024³ on 2 threads: 4 equal ranges a thread taken as threads came
    /// free 1.22, 1.06, 1.02, 1.01x against one range a thread; these shrinking ranges against the 4 equal ones 1.063x
    /// once (18 of 20 rounds), then 1.011, 1.013, 1.015x; a 1/workers share 0.97x, a 1/(3·workers) share 1.03x, at least
    /// 1 or 4 panels level.
    /// </summary>
    private static (int, int) TakeColumns(ref int next, int panels, int workers)
    {
        while (true)
        {
            int p0 = Volatile.Read(ref next), left = panels - p0;
            if (left <= 0) return (0, 0);
            int size = Math.Min(left, Math.Max(2, (left + 2 * workers - 1) / (2 * workers)));
            if (Interlocked.CompareExchange(ref next, p0 + size, p0) == p0) return (p0, p0 + size);
        }
    }
}
