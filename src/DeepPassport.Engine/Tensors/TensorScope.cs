namespace DeepPassport.Engine.Tensors;

/// <summary>
/// Pooled storage for one unit of work, usually one training step:
/// <code>using (TensorScope.Begin()) { forward; loss.Backward(); optimizer.Step(); }</code>
/// While a scope is open on a thread, every tensor that thread creates (operator outputs, gradients, the
/// buffers backward passes keep) borrows its storage from a pool of exact-size arrays; intermediate gradients go
/// back as soon as backward has used them, and everything else when the scope closes. A steady-state step then
/// reuses the previous step's arrays instead of allocating about as much memory again as the network's
/// activations, and the process holds one step's worth of buffers rather than that plus uncollected garbage.
/// <para>
/// The rule: a tensor created inside a scope lives until the scope closes. Its <see cref="Tensor.Data"/> then
/// throws <see cref="ObjectDisposedException"/> (it never silently shows another step's values), so copy out what
/// must outlive the step (<see cref="Tensor.Item"/>, <see cref="Tensor.ToArray"/>, a count) inside the scope.
/// Tensors created outside every scope (parameters, buffers, optimiser state, data batches) are untouched.
/// </para>
/// </summary>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? _current;

    private readonly TensorScope? _outer;
    private readonly Thread _thread = Thread.CurrentThread;
    // Every array this scope lent, with how many tensors were built on it (a reshape shares its input's array).
    private readonly Dictionary<float[], int> _lent = new(ReferenceEqualityComparer.Instance);
    private readonly List<Tensor> _tensors = [];
    private bool _closed;

    private TensorScope(TensorScope? outer) => _outer = outer;

    /// <summary>Opens a scope on this thread; scopes nest, and each must be disposed on the thread that opened it.</summary>
    public static TensorScope Begin() => _current = new TensorScope(_current);

    /// <summary>Whether a scope is open on this thread.</summary>
    public static bool IsActive => _current is not null;

    /// <summary>An array of exactly <paramref name="length"/> floats, zeroed unless <paramref name="clear"/> is false (for
    /// a caller that overwrites all of it): pooled inside a scope, new outside.</summary>
    internal static float[] Rent(int length, bool clear = true)
    {
        var scope = _current;
        if (scope is null || length == 0) return clear ? new float[length] : GC.AllocateUninitializedArray<float>(length);
        var array = ArrayStore.Take(length, clear);
        scope._lent.Add(array, 0);
        return array;
    }

    /// <summary>Called by every tensor constructor: a tensor built on a lent array is closed with its scope.</summary>
    internal static void Adopt(Tensor tensor, float[] data)
    {
        for (var scope = _current; scope is not null; scope = scope._outer)
            if (scope._lent.TryGetValue(data, out int users))
            {
                scope._lent[data] = users + 1;
                scope._tensors.Add(tensor);
                return;
            }
    }

    /// <summary>
    /// Gives back, before the scope closes, an array that is no longer needed: a temporary nothing wraps, or the
    /// storage of a tensor that is its only user (an intermediate gradient after backward used it). Anything else
    /// is left for the scope's end.
    /// </summary>
    internal static void Recycle(float[] data, Tensor? onlyUser = null)
    {
        for (var scope = _current; scope is not null; scope = scope._outer)
            if (scope._lent.TryGetValue(data, out int users))
            {
                if (users != (onlyUser is null ? 0 : 1)) return;
                onlyUser?.Invalidate();
                scope._lent.Remove(data);
                ArrayStore.Give(data);
                return;
            }
    }

    /// <summary>
    /// Says that <paramref name="intermediate"/>, made inside a module from the module's input, has been read by
    /// the only call that needed it, which returned <paramref name="result"/>. Without a graph (inference) its
    /// storage then serves the layers still to come; with a graph, or when <paramref name="result"/> shares it (a
    /// view), nothing happens. Never pass a module's own input: the caller may still hold it.
    /// </summary>
    public static Tensor Consumed(Tensor intermediate, Tensor result)
    {
        if (!NoGrad.IsRecording && _current is not null && !ReferenceEquals(result, intermediate))
            Recycle(intermediate.Data, intermediate);
        return result;
    }

    /// <summary>Closes the scope: its tensors become unusable and their arrays return to the pool.</summary>
    public void Dispose()
    {
        if (_closed) return;
        if (Thread.CurrentThread != _thread || _current != this)
            throw new InvalidOperationException("TensorScope: scopes must be closed innermost first, on the thread that opened them.");
        foreach (var t in _tensors) t.Invalidate();
        foreach (var array in _lent.Keys) ArrayStore.Give(array);
        _tensors.Clear();
        _lent.Clear();
        _closed = true;
        _current = _outer;
    }

    /// <summary>Floats held by the pool for reuse (for reports and tests).</summary>
    public static long PooledFloats => ArrayStore.HeldFloats;

    /// <summary>
    /// Lets the garbage collector have the pool's arrays (after training, say); with <paramref name="returnToSystem"/>
    /// also collects them at once and gives their memory back, for a switch between kinds of work whose arrays differ in
    /// size (training batches, then evaluation batches): kept, the pool would hold both.
    /// </summary>
    public static void TrimPool(bool returnToSystem = false)
    {
        ArrayStore.Clear();
        if (returnToSystem) GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    /// <summary>Free arrays by exact length, shared by all threads' scopes.</summary>
    private static class ArrayStore
    {
        private static readonly Dictionary<int, Stack<float[]>> Free = [];
        private static long _held;

        public static long HeldFloats { get { lock (Free) return _held; } }

        public static float[] Take(int length, bool clear)
        {
            float[]? array = null;
            lock (Free)
                if (Free.TryGetValue(length, out var stack) && stack.Count > 0)
                {
                    _held -= length;
                    array = stack.Pop();
                }
            if (array is null) return clear ? new float[length] : GC.AllocateUninitializedArray<float>(length);
            if (clear) Array.Clear(array);
            return array;
        }

        public static void Give(float[] array)
        {
            lock (Free)
            {
                if (!Free.TryGetValue(array.Length, out var stack)) Free[array.Length] = stack = new Stack<float[]>();
                stack.Push(array);
                _held += array.Length;
            }
        }

        public static void Clear()
        {
            lock (Free) { Free.Clear(); _held = 0; }
        }
    }
}
