namespace DeepPassport.Engine.Kernels;

/// <summary>
/// The plain triple loop C = op(A) * op(B) (+ C when accumulating), row-major, the yardstick every fast GEMM
/// path is tested against. op(A) is M x K, op(B) is K x N.
/// </summary>
public static class GemmReference
{
    public static void Multiply(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, bool accumulate)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transA ? a[p * m + i] : a[i * k + p];
                    float bv = transB ? b[j * k + p] : b[p * n + j];
                    sum += av * bv;
                }
                c[i * n + j] = (float)(accumulate ? c[i * n + j] + sum : sum);
            }
    }
}
