namespace DeepPassport.Engine.Data;

/// <summary>
/// A small, learnable image set that needs no download: 32x32 RGB pictures of ten kinds of pattern (disc, square,
/// triangle, cross, ring, horizontal stripes, vertical stripes, diagonal stripes, checkerboard, dots), each with a
/// random colour, position, size and background noise. Image i is a pure function of (seed, i), so the set is the
/// same on every machine and costs no memory.
/// </summary>
public sealed class SyntheticShapes(int count, ulong seed) : IImageDataset
{
    public static readonly string[] Names =
        ["disc", "square", "triangle", "cross", "ring", "h-stripes", "v-stripes", "diagonal", "checker", "dots"];

    public int Count { get; } = count >= 0 ? count : throw new ArgumentOutOfRangeException(nameof(count));
    public int ClassCount => Names.Length;
    public int Channels => 3;
    public int Height => 32;
    public int Width => 32;
    public IReadOnlyList<string> ClassNames => Names;

    public int Label(int i) => (int)(Mix(seed, (ulong)i) % (ulong)Names.Length);

    public void CopyImage(int i, Span<float> dst)
    {
        if ((uint)i >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(i), $"Image {i} of {Count}.");
        if (dst.Length < 3 * 32 * 32) throw new ArgumentException("Destination holds fewer than 3x32x32 values.", nameof(dst));
        var rng = new Tensors.Rng(Mix(seed ^ 0x5EED, (ulong)i));
        int kind = Label(i);
        float bg = 0.2f + 0.3f * (float)rng.NextDouble();
        Span<float> colour = [(float)rng.NextDouble(), (float)rng.NextDouble(), (float)rng.NextDouble()];
        // Keep the shape visibly different from the background.
        for (int c = 0; c < 3; c++) colour[c] = bg + (colour[c] > 0.5f ? 0.35f : -0.2f) + 0.2f * (float)rng.NextDouble();
        float cx = 10 + 12 * (float)rng.NextDouble(), cy = 10 + 12 * (float)rng.NextDouble();
        float r = 5 + 5 * (float)rng.NextDouble(), period = 4 + 3 * (float)rng.NextDouble();
        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 32; x++)
            {
                bool on = Inside(kind, x - cx, y - cy, r, x, y, period);
                for (int c = 0; c < 3; c++)
                {
                    float v = (on ? colour[c] : bg) + 0.08f * (float)(rng.NextDouble() - 0.5);
                    dst[(c * 32 + y) * 32 + x] = Math.Clamp(v, 0f, 1f);
                }
            }
    }

    private static bool Inside(int kind, float dx, float dy, float r, int x, int y, float period) => kind switch
    {
        0 => dx * dx + dy * dy <= r * r,
        1 => MathF.Abs(dx) <= r * 0.8f && MathF.Abs(dy) <= r * 0.8f,
        2 => dy <= r * 0.8f && dy >= -r && MathF.Abs(dx) <= (dy + r) * 0.55f,
        3 => (MathF.Abs(dx) <= r * 0.25f || MathF.Abs(dy) <= r * 0.25f) && MathF.Abs(dx) <= r && MathF.Abs(dy) <= r,
        4 => dx * dx + dy * dy <= r * r && dx * dx + dy * dy >= r * r * 0.4f,
        5 => (y / (int)period) % 2 == 0,
        6 => (x / (int)period) % 2 == 0,
        7 => ((x + y) / (int)period) % 2 == 0,
        8 => ((x / (int)period) + (y / (int)period)) % 2 == 0,
        _ => (x % (int)period) < 2 && (y % (int)period) < 2,
    };

    private static ulong Mix(ulong a, ulong b)
    {
        ulong z = a * 0x9E3779B97F4A7C15UL + b + 0x632BE59BD9B4E019UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
