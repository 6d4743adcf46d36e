namespace DeepPassport.Engine.Kernels;

/// <summary>
/// The one place that runs work in parallel. Operators parallelise at one level only (over the batch, or
/// over GEMM blocks for a single large product), never nested; <see cref="Degree"/> is the user's --threads.
/// </summary>
public static class Parallelism
{
    private static int _degree = Environment.ProcessorCount;
    [ThreadStatic] private static bool _inside;

    /// <summary>Worker threads used by kernels (1 = serial). Defaults to the processor count.</summary>
    public static int Degree
    {
        get => _degree;
        set => _degree = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), "Thread count must be at least 1.");
    }

    /// <summary>Runs body(i) for i in [from, to); serially when already inside a parallel loop or with one thread.</summary>
    public static void For(int from, int to, Action<int> body)
    {
        int n = to - from;
        if (n <= 0) return;
        if (_inside || _degree == 1 || n == 1)
        {
            for (int i = from; i < to; i++) body(i);
            return;
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = _degree };
        Parallel.For(from, to, options, i =>
        {
            bool was = _inside;
            _inside = true;
            try { body(i); } finally { _inside = was; }
        });
    }

    /// <summary>How many chunks to split n items into so that every worker has one (1 inside a parallel loop).</summary>
    public static int ChunkCount(int n) => Math.Max(1, Math.Min(_inside ? 1 : _degree, n));
}
