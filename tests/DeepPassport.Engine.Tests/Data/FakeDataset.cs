using DeepPassport.Engine.Data;

namespace DeepPassport.Engine.Tests.Data;

/// <summary>An in-memory data set of 1x2x2 images filled with index / 1000; optionally throws on one index.</summary>
internal sealed class FakeDataset(int count, int throwAt = -1) : IImageDataset
{
    private int _copies;

    public int Copies => Volatile.Read(ref _copies);
    public int Count => count;
    public int ClassCount => 10;
    public int Channels => 1;
    public int Height => 2;
    public int Width => 2;
    public int Label(int i) => i % 10;

    public void CopyImage(int i, Span<float> dst)
    {
        if (i == throwAt) throw new InvalidOperationException($"broken sample {i}");
        Interlocked.Increment(ref _copies);
        dst.Fill(i / 1000f);
    }
}
