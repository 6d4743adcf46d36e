namespace DeepPassport.Engine.Data;

/// <summary>Deterministic image transforms on CHW float images; the random choices are made by the caller.</summary>
public static class Transforms
{
    /// <summary>
    /// The <paramref name="height"/> x <paramref name="width"/> window at (<paramref name="top"/>, <paramref name="left"/>)
    /// of the image padded by <paramref name="padding"/> zeros on every side:
    /// dst[c, y, x] = src[c, y + top - padding, x + left - padding], or 0 outside the source.
    /// </summary>
    public static void CropPadded(ReadOnlySpan<float> src, Span<float> dst, int channels, int height, int width, int padding, int top, int left)
    {
        CheckSize(src.Length, channels, height, width, nameof(src));
        CheckSize(dst.Length, channels, height, width, nameof(dst));
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, "Padding cannot be negative.");
        if (top < 0 || top > 2 * padding || left < 0 || left > 2 * padding)
            throw new ArgumentOutOfRangeException(nameof(top), $"Offset ({top}, {left}) must lie in [0, {2 * padding}].");

        int dy = top - padding, dx = left - padding;
        // Columns of the output that fall inside the source: x + dx in [0, width).
        int x0 = Math.Max(0, -dx), x1 = Math.Min(width, width - dx);
        for (int c = 0; c < channels; c++)
        {
            for (int y = 0; y < height; y++)
            {
                Span<float> row = dst.Slice((c * height + y) * width, width);
                int sy = y + dy;
                if (sy < 0 || sy >= height) { row.Clear(); continue; }
                row[..x0].Clear();
                src.Slice((c * height + sy) * width + x0 + dx, x1 - x0).CopyTo(row[x0..x1]);
                row[x1..].Clear();
            }
        }
    }

    /// <summary>Mirrors every row of a CHW image left to right, in place.</summary>
    public static void FlipHorizontal(Span<float> chw, int channels, int height, int width)
    {
        CheckSize(chw.Length, channels, height, width, nameof(chw));
        for (int r = 0; r < channels * height; r++) chw.Slice(r * width, width).Reverse();
    }

    private static void CheckSize(int length, int channels, int height, int width, string name)
    {
        if (length != channels * height * width)
            throw new ArgumentException($"Image holds {length} values, expected {channels}x{height}x{width}.", name);
    }
}
