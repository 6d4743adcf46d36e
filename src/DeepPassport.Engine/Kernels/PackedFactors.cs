namespace DeepPassport.Engine.Kernels;

/// <summary>
/// A GEMM factor packed once into the micro-kernel's panels, so that a product repeated against many other factors does
/// not repack it every time. Holds a pooled buffer: dispose it when the products are done.
/// </summary>
public abstract class PackedFactor : IDisposable
{
    private protected PackedFactor(Gemm.Isa isa) => Isa = isa;

    internal Gemm.Isa Isa { get; }
    internal float[] Data { get; private protected set; } = [];
    /// <summary>Where the packed panels begin in <see cref="Data"/>.</summary>
    internal int Start { get; private protected set; }

    public void Dispose()
    {
        if (Data.Length > 0) ArrayPoolF.Return(Data);
        Data = [];
    }
}

/// <summary>The left factor op(A) (m x k) in row panels: a convolution's weights against each chunk of columns.</summary>
public sealed unsafe class PackedA : PackedFactor
{
    public PackedA(bool transA, int m, int k, ReadOnlySpan<float> a) : this(Gemm.Best, transA, m, k, a) { }

    public PackedA(Gemm.Isa isa, bool transA, int m, int k, ReadOnlySpan<float> a) : base(isa)
    {
        if (m < 0 || k < 0 || a.Length < (long)m * k) throw new ArgumentException($"PackedA: {a.Length} values do not hold an {m} x {k} matrix.");
        M = m; K = k;
        int mr = Gemm.TileOf(isa).mr;
        Data = ArrayPoolF.Rent((m + mr - 1) / mr * mr * k);
        fixed (float* pa = a, pd = Data) Gemm.PackAll(transA, pa, m, k, mr, pd);
    }

    public int M { get; }
    public int K { get; }
}

/// <summary>
/// The right factor op(B) (k x n) in column panels, K block by K block, its panels starting on a 64-byte line: a Winograd
/// product's U[ξ] against each chunk of tiles. A bank holds <see cref="Count"/> such factors of one shape, each
/// <see cref="Stride"/> floats after the one before, and may be filled in place by whoever makes them (the Winograd filter
/// transform writes every U[ξ] straight into its panels, <see cref="Offset"/>), so they are never stored unpacked first.
/// </summary>
public sealed unsafe class PackedB : PackedFactor
{
    public PackedB(bool transB, int k, int n, ReadOnlySpan<float> b) : this(Gemm.Best, transB, k, n, b) { }

    public PackedB(Gemm.Isa isa, bool transB, int k, int n, ReadOnlySpan<float> b) : this(isa, k, n, 1)
    {
        if (b.Length < (long)k * n) throw new ArgumentException($"PackedB: {b.Length} values do not hold a {k} x {n} matrix.");
        fixed (float* pb = b, pd = Data) Gemm.PackAllB(transB, pb, k, n, Nr, pd + Start);
    }

    /// <summary>A bank of <paramref name="count"/> k x n factors, its panels not yet written (padding columns included).</summary>
    internal PackedB(Gemm.Isa isa, int k, int n, int count) : base(isa)
    {
        if (k < 0 || n < 0 || count < 1) throw new ArgumentException($"PackedB: no bank of {count} matrices of {k} x {n}.");
        K = k; N = n; Count = count;
        Nr = Gemm.TileOf(isa).nr;
        Stride = (long)(n + Nr - 1) / Nr * Nr * k;   // a multiple of nr floats: every factor of an aligned bank starts on a line
        if (Stride * count > Array.MaxLength - 16) throw new ArgumentException($"PackedB: {count} matrices of {k} x {n} are too large.");
        Data = ArrayPoolF.RentAligned((int)(Stride * count), out int start);
        Start = start;
    }

    public int K { get; }
    public int N { get; }
    public int Count { get; }
    /// <summary>Columns of one panel: the micro-kernel's nr.</summary>
    internal int Nr { get; }
    /// <summary>Floats from one factor of the bank to the next.</summary>
    internal long Stride { get; }

    /// <summary>Where element (row, col) of each factor lies, from the start of that factor (<see cref="Gemm.PackedOffset"/>).</summary>
    internal long Offset(int row, int col) => Gemm.PackedOffset(K, N, Nr, row, col);
}
