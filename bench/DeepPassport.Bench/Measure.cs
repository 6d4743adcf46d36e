using System.Diagnostics;

namespace DeepPassport.Bench;

/// <summary>Runs a piece of work several times and keeps the median rate: timings on a shared machine are noisy.</summary>
public static class Measure
{
    /// <summary>Items per second, median over <paramref name="rounds"/> timed runs after one warm-up run.</summary>
    public static double MedianRate(int rounds, Func<int> work)
    {
        work();
        var rates = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            var clock = Stopwatch.StartNew();
            int items = work();
            rates.Add(items / clock.Elapsed.TotalSeconds);
        }
        rates.Sort();
        return rates[rates.Count / 2];
    }
}
