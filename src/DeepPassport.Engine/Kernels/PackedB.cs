namespace DeepPassport.Engine.Kernels;

/// <summary>
/// The right factor op(B) (k x n) of a GEMM packed once into the micro-kernel's column panels, K block by K block, so
/// that a product repeated against many left factors (a Winograd product's U[ξ] against each chunk of tiles) does not
/// repack it every time. Holds a pooled buffer whose panels start on a 64-byte line: dispose it when the products are done.
/// </summary>
public sealed unsafe class PackedB : IDisposable
{
    public PackedB(bool transB, int k, int n, ReadOnlySpan<float> b) : this(Gemm.Best, transB, k, n, b) { }

    public PackedB(Gemm.Isa isa, bool transB, int k, int n, ReadOnlySpan<float> b)
    {
        if (k < 0 || n < 0 || b.Length < (long)k * n) throw new ArgumentException($"PackedB: {b.Length} values do not hold a {k} x {n} matrix.");
        Isa = isa; K = k; N = n;
        int nr = Gemm.TileOf(isa).nr;
        Data = ArrayPoolF.RentAligned((n + nr - 1) / nr * nr * k, out int start);
        Start = start;
        fixed (float* pb = b, pd = Data) Gemm.PackAllB(transB, pb, k, n, nr, pd + start);
    }

    internal Gemm.Isa Isa { get; }
    public int K { get; }
    public int N { get; }
    internal float[] Data { get; private set; }
    /// <summary>Where the packed panels begin in <see cref="Data"/> (a 64-byte line).</summary>
    internal int Start { get; }

    public void Dispose()
    {
        if (Data.Length > 0) ArrayPoolF.Return(Data);
        Data = [];
    }
}
