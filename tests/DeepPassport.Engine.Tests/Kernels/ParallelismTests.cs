using DeepPassport.Engine.Kernels;

namespace DeepPassport.Engine.Tests.Kernels;

/// <summary>The worker team runs every index exactly once, passes exceptions on, and copes with nesting and with two callers.</summary>
public class ParallelismTests
{
    private static int[] CountHits(int n, Action<Action<int>> run)
    {
        var hits = new int[n];
        run(i => Interlocked.Increment(ref hits[i]));
        return hits;
    }

    [Fact]
    public void EveryIndexRunsExactlyOnceOverManyShortLoops()
    {
        var rng = new Random(1);
        for (int loop = 0; loop < 2000; loop++)
        {
            // Every tenth loop is long, so that indices are taken in runs (Team.Grain) that need not divide it.
            int from = rng.Next(0, 5), n = loop % 10 == 0 ? rng.Next(40, 5000) : rng.Next(1, 40);
            var hits = new int[from + n];
            Parallelism.For(from, from + n, i => Interlocked.Increment(ref hits[i]));
            Assert.All(hits.Take(from), h => Assert.Equal(0, h));
            Assert.All(hits.Skip(from), h => Assert.Equal(1, h));
        }
    }

    [Fact]
    public void AnExceptionIsRethrownAsItIsAndTheTeamStillWorks()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Parallelism.For(0, 100, i =>
        {
            if (i == 37) throw new InvalidOperationException("index 37");
        }));
        Assert.Equal("index 37", e.Message);
        Assert.All(CountHits(64, body => Parallelism.For(0, 64, body)), h => Assert.Equal(1, h));
    }

    [Fact]
    public void NestedLoopsRunSeriallyInsideTheOuterOne()
    {
        var hits = new int[8 * 16];
        Parallelism.For(0, 8, i => Parallelism.For(0, 16, j => Interlocked.Increment(ref hits[i * 16 + j])));
        Assert.All(hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void ForEachWorkerRunsEveryIndexOnceAndNoWorkerTwiceAtOnce()
    {
        for (int count = 0; count < 40; count += 3)
        {
            const int workers = 3;
            var hits = new int[count];
            var busy = new int[workers];
            var sums = new long[workers];   // each worker's own sum, as the weight gradients keep them
            Parallelism.ForEachWorker(count, workers, (t, i) =>
            {
                Assert.InRange(t, 0, workers - 1);
                Assert.Equal(1, Interlocked.Increment(ref busy[t]));   // a worker's buffers are never shared
                Interlocked.Increment(ref hits[i]);
                sums[t] += i;
                Thread.SpinWait(i % 5 * 100);
                Interlocked.Decrement(ref busy[t]);
            });
            Assert.All(hits, h => Assert.Equal(1, h));
            Assert.Equal((long)count * (count - 1) / 2, sums.Sum());
        }
    }

    /// <summary>
    /// Each worker's indices are fixed, a contiguous run taken in order, however the threads are timed: the sums each
    /// worker keeps (a weight gradient) are then added in the same order in every run, and a training run repeats.
    /// </summary>
    [Fact]
    public void ForEachWorkerGivesEachWorkerAFixedRunInOrder()
    {
        foreach (int count in new[] { 2, 7, 8, 64 })
            for (int repeat = 0; repeat < 5; repeat++)
            {
                const int workers = 2;
                var seen = new List<int>[workers];
                for (int t = 0; t < workers; t++) seen[t] = [];
                Parallelism.ForEachWorker(count, workers, (t, i) =>
                {
                    // the worker holding the first run sleeps: taken dynamically, the other would run ahead into its share
                    if (t == 0 && repeat % 2 == 0) Thread.Sleep(1);
                    seen[t].Add(i);
                });
                for (int t = 0; t < workers; t++)
                    Assert.Equal(Enumerable.Range(count * t / workers, count * (t + 1) / workers - count * t / workers), seen[t]);
            }
    }

    /// <summary>
    /// A convolution's weight gradient, to the bit the same in every run (its sums' order is fixed), on the machine's
    /// threads (not set here: other test classes run beside this one).
    /// </summary>
    [Fact]
    public void ConvolutionWeightGradientRepeatsToTheBit()
    {
        // im2col in chunks of images (stride 2), and Winograd in chunks of images (32 images of 64 channels at 32x32)
        foreach (var (n, c, side, stride) in new[] { (12, 16, 16, 2), (32, 64, 32, 1) })
        {
            float[]? first = null;
            for (int run = 0; run < 3; run++)
            {
                var rng = new DeepPassport.Engine.Tensors.Rng(11);
                var x = DeepPassport.Engine.Tensors.Tensor.Randn(rng, n, c, side, side);
                var w = DeepPassport.Engine.Tensors.Tensor.Randn(rng, c, c, 3, 3);
                w.RequiresGrad = true;
                DeepPassport.Engine.Tensors.F.Conv2d(x, w, null, stride, 1).Sum().Backward();
                first ??= w.Grad!.ToArray();
                Assert.Equal(first, w.Grad!.ToArray());
            }
        }
    }

    [Fact]
    public async Task TwoCallingThreadsAtOnceBothFinish()
    {
        var hits = new int[2, 300 * 10];
        var callers = Enumerable.Range(0, 2).Select(c => Task.Run(() =>
        {
            for (int loop = 0; loop < 300; loop++)
                Parallelism.For(0, 10, i => Interlocked.Increment(ref hits[c, loop * 10 + i]));
        })).ToArray();
        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(60));
        foreach (int h in hits) Assert.Equal(1, h);
    }

    [Theory]
    [InlineData(0, 64)]
    [InlineData(5, 64)]       // shorter than a slice: one call
    [InlineData(1000, 64)]
    [InlineData(1001, 1)]
    [InlineData(100003, 4096)]
    public void ForSlicesCoversTheRangeOnceInSlicesOnMultiplesOf8(int count, int minSlice)
    {
        var hits = new int[count];
        var slices = new System.Collections.Concurrent.ConcurrentBag<(int From, int To)>();
        Parallelism.ForSlices(count, minSlice, (from, to) =>
        {
            slices.Add((from, to));
            for (int i = from; i < to; i++) Interlocked.Increment(ref hits[i]);
        });
        Assert.All(hits, h => Assert.Equal(1, h));
        Assert.All(slices, s => Assert.True(s.From % 8 == 0 && (s.To % 8 == 0 || s.To == count), $"slice [{s.From}, {s.To})"));
        if (count < 2 * minSlice) Assert.Single(slices);
        else Assert.Equal(Math.Min(Parallelism.Degree, count / minSlice), slices.Count);
    }
}
