namespace DeepPassport.Engine.Kernels;

/// <summary>
/// The left factor op(A) (m x k) of a GEMM packed once into the micro-kernel's row panels, so that a product
/// repeated against many right factors (a convolution's weights against each chunk of columns) does not repack
/// it every time. Holds a pooled buffer: dispose it when the products are done.
/// </summary>
public sealed unsafe class PackedA : IDisposable
{
    public PackedA(bool transA, int m, int k, ReadOnlySpan<float> a) : this(Gemm.Best, transA, m, k, a) { }

    public PackedA(Gemm.Isa isa, bool transA, int m, int k, ReadOnlySpan<float> a)
    {
        if (m < 0 || k < 0 || a.Length < (long)m * k) throw new ArgumentException($"PackedA: {a.Length} values do not hold an {m} x {k} matrix.");
        Isa = isa; M = m; K = k;
        int mr = Gemm.TileOf(isa).mr;
        Data = ArrayPoolF.Rent((m + mr - 1) / mr * mr * k);
        fixed (float* pa = a, pd = Data) Gemm.PackAll(transA, pa, m, k, mr, pd);
    }

    internal Gemm.Isa Isa { get; }
    public int M { get; }
    public int K { get; }
    internal float[] Data { get; private set; }

    public void Dispose()
    {
        if (Data.Length > 0) ArrayPoolF.Return(Data);
        Data = [];
    }
}
