namespace DeepPassport.Verification;

/// <summary>
/// The chance that a model not trained with the signature matches it this well: each of n bits matches with
/// probability 1/2, so P(X >= k) = sum_{i=k..n} C(n, i) / 2^n. Computed in log space (n runs to thousands).
/// </summary>
public static class BinomialTest
{
    /// <summary>log10 P(X >= k) for X ~ Binomial(n, 1/2).</summary>
    public static double Log10UpperTail(int n, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (k <= 0) return 0;
        if (k > n) return double.NegativeInfinity;
        var logFactorial = new double[n + 1];
        for (int i = 1; i <= n; i++) logFactorial[i] = logFactorial[i - 1] + Math.Log(i);
        double LogTerm(int i) => logFactorial[n] - logFactorial[i] - logFactorial[n - i] - n * Math.Log(2);
        // log-sum-exp over the tail, anchored at its largest term (the first: i = k >= n/2 in practice, but not assumed).
        double max = double.NegativeInfinity;
        for (int i = k; i <= n; i++) max = Math.Max(max, LogTerm(i));
        double sum = 0;
        for (int i = k; i <= n; i++) sum += Math.Exp(LogTerm(i) - max);
        return Math.Min(0, (max + Math.Log(sum)) / Math.Log(10));
    }

    /// <summary>P(X >= k); underflows to 0 below 1e-308, which is why reports carry the log10 as well.</summary>
    public static double UpperTail(int n, int k) => Math.Pow(10, Log10UpperTail(n, k));
}
