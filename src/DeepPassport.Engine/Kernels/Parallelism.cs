using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace DeepPassport.Engine.Kernels;

/// <summary>
/// The one place that runs work in parallel. Operators parallelise at one level only (over the batch, or
/// over GEMM blocks for a single large product), never nested; <see cref="Degree"/> is the user's --threads.
/// <para>
/// Loops run on a team of <see cref="Degree"/> − 1 dedicated threads plus the caller, which take the indices in runs
/// (<see cref="Team.Grain"/>) from a shared counter. The team spins briefly before it sleeps, as OpenMP runtimes do: the engine's loops are
/// often a millisecond or less (a convolution of a few small images), and the thread pool's wake-up latency made such
/// loops run almost serially (measured: an ISN training step 1.07x faster on 2 threads than on 1).
/// When another thread already drives the team, a loop falls back to <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>.
/// </para>
/// </summary>
public static class Parallelism
{
    private static int _degree = Environment.ProcessorCount;
    [ThreadStatic] private static bool _inside;
    private static readonly object Gate = new();
    private static Team? _team;

    /// <summary>Worker threads used by kernels (1 = serial). Defaults to the processor count.</summary>
    public static int Degree
    {
        get => _degree;
        set => _degree = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), "Thread count must be at least 1.");
    }

    /// <summary>Runs body(i) for i in [from, to); serially when already inside a parallel loop or with one thread.
    /// An exception from any body is rethrown as it is, after every running body has finished.</summary>
    public static void For(int from, int to, Action<int> body)
    {
        int n = to - from;
        if (n <= 0) return;
        if (_inside || _degree == 1 || n == 1)
        {
            for (int i = from; i < to; i++) body(i);
            return;
        }
        if (!Monitor.TryEnter(Gate))
        {
            ParallelFallback(from, to, body);
            return;
        }
        try
        {
            if (_team is null || _team.Size != _degree - 1)
            {
                _team?.Stop();
                _team = new Team(_degree - 1);
            }
            _inside = true;
            _team.Run(from, to, body);
        }
        finally
        {
            _inside = false;
            Monitor.Exit(Gate);
        }
    }

    /// <summary>How many chunks to split n items into so that every worker has one (1 inside a parallel loop).</summary>
    public static int ChunkCount(int n) => Math.Max(1, Math.Min(_inside ? 1 : _degree, n));

    /// <summary>
    /// body(worker, i) for every i in [0, count), on <paramref name="workers"/> workers (worker in [0, workers)), worker
    /// t taking the fixed run [t·count/workers, (t + 1)·count/workers) in order: for sums each worker keeps apart (a
    /// convolution's weight gradient), which then come out the same in every run with the same thread count, so a
    /// training run repeats to the bit. Workers once took the next i as they came free, which let a worker the host slowed
    /// take fewer, but made each sum's order, and so its rounding, change from run to run (ResNet-18 on one CIFAR batch
    /// file, seed 0: 32.3 % and 37.0 % after one epoch); the training steps measured level either way (session 19).
    /// </summary>
    public static void ForEachWorker(int count, int workers, Action<int, int> body)
    {
        For(0, workers, t =>
        {
            for (int i = (int)((long)count * t / workers), end = (int)((long)count * (t + 1) / workers); i < end; i++) body(t, i);
        });
    }

    /// <summary>
    /// body(from, to) over [0, count) in one slice per worker, but no slice shorter than <paramref name="minSlice"/>
    /// items (a short range runs as one call); slice bounds are multiples of 8, so vector loops split cleanly.
    /// </summary>
    public static void ForSlices(int count, int minSlice, Action<int, int> body)
    {
        int slices = ChunkCount(Math.Max(1, count / Math.Max(1, minSlice)));
        if (slices == 1) { body(0, count); return; }
        int Bound(int b) => b == slices ? count : (int)((long)count * b / slices) / 8 * 8;
        For(0, slices, b => body(Bound(b), Bound(b + 1)));
    }

    private static void ParallelFallback(int from, int to, Action<int> body)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = _degree };
        try
        {
            Parallel.For(from, to, options, i =>
            {
                bool was = _inside;
                _inside = true;
                try { body(i); } finally { _inside = was; }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    /// <summary>
    /// Background threads that wait for a loop (spinning for <see cref="SpinMicroseconds"/>, then sleeping), take
    /// indices from <c>_next</c> until the range is used up, and report when done. One loop at a time (the caller holds
    /// <see cref="Gate"/>).
    /// </summary>
    private sealed class Team
    {
        private const double SpinMicroseconds = 50;
        private readonly object _sleep = new();
        private int _generation, _to, _running, _grain;
        private Counter _next;   // on a cache line of its own: the spinning threads poll _running and _generation
        private Action<int>? _body;
        private Exception? _error;
        private volatile bool _stopped;

        public Team(int size)
        {
            Size = size;
            for (int k = 0; k < size; k++)
                new Thread(Work) { IsBackground = true, Name = $"DeepPassport worker {k + 1}" }.Start();
        }

        public int Size { get; }

        public void Run(int from, int to, Action<int> body)
        {
            _body = body;
            _error = null;
            _to = to;
            _grain = Grain(to - from, Size + 1);
            _next.Value = from;
            Volatile.Write(ref _running, Size);
            lock (_sleep)
            {
                _generation++;
                Monitor.PulseAll(_sleep);
            }
            Take(body);
            // The caller's share is done: wait for the workers to finish theirs.
            var spin = new SpinWait();
            while (Volatile.Read(ref _running) != 0) spin.SpinOnce(sleep1Threshold: -1);
            _body = null;
            if (_error is { } e) ExceptionDispatchInfo.Capture(e).Throw();
        }

        public void Stop()
        {
            _stopped = true;
            lock (_sleep) { _generation++; Monitor.PulseAll(_sleep); }
        }

        /// <summary>
        /// Indices taken at a time: enough that each thread goes to the shared counter about <see cref="TakesPerThread"/>
        /// times. One at a time, with batch norm's loops over 64 x 512 planes of 16 pixels, the locked add on the counter
        /// was 7-8 % of a ResNet-18 training step (perf).
        /// </summary>
        public static int Grain(int count, int threads) => Math.Max(1, count / (threads * TakesPerThread));

        private const int TakesPerThread = 8;

        private void Take(Action<int> body)
        {
            try
            {
                int grain = _grain;
                for (int i = Interlocked.Add(ref _next.Value, grain) - grain; i < _to; i = Interlocked.Add(ref _next.Value, grain) - grain)
                    for (int j = i, end = Math.Min(_to, i + grain); j < end; j++) body(j);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, e, null);
                Volatile.Write(ref _next.Value, _to);   // the others stop taking new indices
            }
        }

        private void Work()
        {
            _inside = true;
            int seen = 0;
            while (true)
            {
                long started = Stopwatch.GetTimestamp();
                var spin = new SpinWait();
                while (Volatile.Read(ref _generation) == seen)
                {
                    if (Stopwatch.GetElapsedTime(started).TotalMicroseconds < SpinMicroseconds) { spin.SpinOnce(sleep1Threshold: -1); continue; }
                    lock (_sleep)
                        while (_generation == seen) Monitor.Wait(_sleep);
                }
                seen = Volatile.Read(ref _generation);
                if (_stopped) return;
                Take(_body!);
                Interlocked.Decrement(ref _running);
            }
        }
    }

    /// <summary>An int alone on its 64-byte line (and off its neighbours' lines).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct Counter
    {
        [FieldOffset(64)] public int Value;
    }
}
