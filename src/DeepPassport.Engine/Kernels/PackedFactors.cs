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
/// product's U[ξ] against each chunk of tiles.
/// </summary>
public sealed unsafe class PackedB : PackedFactor
{
    public PackedB(bool transB, int k, int n, ReadOnlySpan<float> b) : this(Gemm.Best, transB, k, n, b) { }

    public PackedB(Gemm.Isa isa, bool transB, int k, int n, ReadOnlySpan<float> b) : base(isa)
    {
        if (k < 0 || n < 0 || b.Length < (long)k * n) throw new ArgumentException($"PackedB: {b.Length} values do not hold a {k} x {n} matrix.");
        K = k; N = n;
        int nr = Gemm.TileOf(isa).nr;
        Data = ArrayPoolF.RentAligned((n + nr - 1) / nr * nr * k, out int start);
        Start = start;
        fixed (float* pb = b, pd = Data) Gemm.PackAllB(transB, pb, k, n, nr, pd + start);
    }

    public int K { get; }
    public int N { get; }
}
