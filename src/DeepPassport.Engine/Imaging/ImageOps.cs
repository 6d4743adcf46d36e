using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Imaging;

/// <summary>Geometric operations on <see cref="Image"/>s, following torchvision's PIL transforms.</summary>
public static class ImageOps
{
    /// <summary>
    /// The <paramref name="width"/> x <paramref name="height"/> window whose top-left corner is at
    /// (<paramref name="x"/>, <paramref name="y"/>); parts outside the source are black (as PIL's <c>crop</c>).
    /// </summary>
    public static Image Crop(Image src, int x, int y, int width, int height)
    {
        var dst = new Image(width, height, src.Channels);
        int ch = src.Channels;
        // Columns of the window that lie inside the source: x + i in [0, src.Width).
        int i0 = Math.Clamp(-x, 0, width), i1 = Math.Clamp(src.Width - x, 0, width);
        if (i1 <= i0) return dst;
        for (int j = 0; j < height; j++)
        {
            int sy = y + j;
            if (sy < 0 || sy >= src.Height) continue;
            int from = (sy * src.Width + x + i0) * ch;
            src.Pixels.AsSpan(from, (i1 - i0) * ch).CopyTo(dst.Pixels.AsSpan((j * width + i0) * ch));
        }
        return dst;
    }

    /// <summary>
    /// torchvision's <c>CenterCrop</c>: offset round((size - target) / 2) with Python's round-half-to-even; a
    /// side smaller than the target is first padded with zeros, floor(extra / 2) before and the rest after.
    /// </summary>
    public static Image CenterCrop(Image src, int width, int height) =>
        Crop(src, CenterOffset(src.Width, width), CenterOffset(src.Height, height), width, height);

    private static int CenterOffset(int size, int target) =>
        target > size ? -((target - size) / 2) : (int)Math.Round((size - target) / 2.0, MidpointRounding.ToEven);

    /// <summary>
    /// A uniformly random <paramref name="width"/> x <paramref name="height"/> window inside the image
    /// (top drawn first, then left, each uniform over the valid offsets).
    /// </summary>
    public static Image RandomCrop(Image src, int width, int height, Rng rng)
    {
        if (width > src.Width || height > src.Height)
            throw new ArgumentException($"Crop {width}x{height} does not fit in a {src.Width}x{src.Height} image.");
        int top = rng.NextInt(src.Height - height + 1);
        int left = rng.NextInt(src.Width - width + 1);
        return Crop(src, left, top, width, height);
    }

    /// <summary>A left-right mirrored copy.</summary>
    public static Image FlipHorizontal(Image src)
    {
        var dst = new Image(src.Width, src.Height, src.Channels);
        int ch = src.Channels;
        for (int y = 0; y < src.Height; y++)
            for (int x = 0; x < src.Width; x++)
                src.Pixels.AsSpan((y * src.Width + x) * ch, ch).CopyTo(dst.Pixels.AsSpan((y * src.Width + src.Width - 1 - x) * ch));
        return dst;
    }

    /// <summary>RGB with R = G = B = gray for a gray image; an RGB image is returned as it is (not copied).</summary>
    public static Image ToRgb(Image src)
    {
        if (src.Channels == 3) return src;
        var dst = new Image(src.Width, src.Height, 3);
        for (int i = 0; i < src.Pixels.Length; i++)
            dst.Pixels[3 * i] = dst.Pixels[3 * i + 1] = dst.Pixels[3 * i + 2] = src.Pixels[i];
        return dst;
    }
}
