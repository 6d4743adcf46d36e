using DeepPassport.Engine.Kernels;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.Kernels;

/// <summary>Every GEMM micro-kernel this CPU can run is held equal to the triple loop on awkward sizes.</summary>
public class GemmTests
{
    public static TheoryData<Gemm.Isa> Isas()
    {
        var d = new TheoryData<Gemm.Isa> { Gemm.Isa.Scalar };
        if (Gemm.Best >= Gemm.Isa.Avx2Fma) d.Add(Gemm.Isa.Avx2Fma);
        if (Gemm.Best >= Gemm.Isa.Avx512) d.Add(Gemm.Isa.Avx512);
        return d;
    }

    /// <summary>A left factor packed once gives the same products as packing it on every call.</summary>
    [Theory]
    [MemberData(nameof(Isas))]
    public void PackedLeftFactorMatchesReference(Gemm.Isa isa)
    {
        var rng = new Rng(4);
        int[][] sizes = [[1, 1, 1], [7, 5, 3], [17, 33, 9], [97, 65, 300], [200, 31, 70], [37, 300, 600], [101, 517, 260]];
        foreach (var s in sizes)
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    foreach (bool par in new[] { false, true })
                    {
                        int m = s[0], n = s[1], k = s[2];
                        var a = Tensor.Randn(rng, m * k).Data; var b = Tensor.Randn(rng, k * n).Data;
                        var expected = Tensor.Randn(rng, m * n).Data; var actual = (float[])expected.Clone();
                        GemmReference.Multiply(ta, tb, m, n, k, a, b, expected, true);
                        using var packed = new PackedA(isa, ta, m, k, a);
                        Gemm.Multiply(packed, tb, n, b, actual, true, par);
                        for (int i = 0; i < expected.Length; i++)
                            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f * (1 + Math.Abs(expected[i])) * Math.Sqrt(k),
                                $"{isa} m={m} n={n} k={k} tA={ta} tB={tb}: [{i}] {expected[i]} vs {actual[i]}");
                    }
    }

    /// <summary>A right factor packed once gives the same products, stored or added, over several K blocks and partial panels.</summary>
    [Theory]
    [MemberData(nameof(Isas))]
    public void PackedRightFactorMatchesReference(Gemm.Isa isa)
    {
        var rng = new Rng(5);
        int[][] sizes = [[1, 1, 1], [7, 5, 3], [17, 33, 9], [97, 65, 300], [200, 31, 70], [37, 300, 600], [101, 517, 260]];
        foreach (var s in sizes)
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    foreach (bool acc in new[] { false, true })
                    {
                        int m = s[0], n = s[1], k = s[2];
                        var a = Tensor.Randn(rng, m * k).Data; var b = Tensor.Randn(rng, k * n).Data;
                        var expected = Tensor.Randn(rng, m * n).Data; var actual = (float[])expected.Clone();
                        GemmReference.Multiply(ta, tb, m, n, k, a, b, expected, acc);
                        using var packed = new PackedB(isa, tb, k, n, b);
                        Gemm.Multiply(ta, m, a, packed, actual, acc);
                        for (int i = 0; i < expected.Length; i++)
                            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f * (1 + Math.Abs(expected[i])) * Math.Sqrt(k),
                                $"{isa} m={m} n={n} k={k} tA={ta} tB={tb} acc={acc}: [{i}] {expected[i]} vs {actual[i]}");
                    }
    }

    [Theory]
    [MemberData(nameof(Isas))]
    public void MatchesReference(Gemm.Isa isa)
    {
        var rng = new Rng(3);
        int[][] sizes = [[1, 1, 1], [7, 5, 3], [17, 33, 9], [8, 32, 256], [97, 65, 300], [9, 40, 513], [200, 31, 70], [37, 300, 70], [101, 517, 260],
            [390, 260, 530]];   // the last split by row blocks on 2 threads, its third K block reusing the first one's B buffer
        foreach (var s in sizes)
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    foreach (bool acc in new[] { false, true })
                        foreach (bool par in new[] { false, true })
                        {
                            int m = s[0], n = s[1], k = s[2];
                            var a = Tensor.Randn(rng, m * k).Data; var b = Tensor.Randn(rng, k * n).Data;
                            var c0 = Tensor.Randn(rng, m * n).Data;
                            var expected = (float[])c0.Clone(); var actual = (float[])c0.Clone();
                            GemmReference.Multiply(ta, tb, m, n, k, a, b, expected, acc);
                            Gemm.Multiply(isa, ta, tb, m, n, k, a, b, actual, acc, par);
                            for (int i = 0; i < expected.Length; i++)
                                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f * (1 + Math.Abs(expected[i])) * Math.Sqrt(k),
                                    $"{isa} m={m} n={n} k={k} tA={ta} tB={tb} acc={acc}: [{i}] {expected[i]} vs {actual[i]}");
                        }
    }

    [Fact]
    public void RejectsShortBuffers() =>
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 4, 4, 4, new float[15], new float[16], new float[16], false));
}
