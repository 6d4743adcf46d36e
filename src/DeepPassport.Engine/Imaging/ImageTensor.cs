using DeepPassport.Engine.Data;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Imaging;

/// <summary>Conversion between 8-bit HWC images and CHW float tensors, as torchvision's <c>ToTensor</c> + <c>Normalize</c>.</summary>
public static class ImageTensor
{
    // b / 255 as a float division, which is how ToTensor computes it (b * (1/255f) can differ by an ulp).
    private static readonly float[] ByteToUnit = Enumerable.Range(0, 256).Select(b => b / 255f).ToArray();

    /// <summary>Writes the image as CHW floats b / 255 to <paramref name="dst"/> (C*H*W values), then normalises if asked.</summary>
    public static void CopyChw(Image image, Span<float> dst, Normalization? normalization = null)
    {
        int ch = image.Channels, plane = image.Width * image.Height;
        if (dst.Length != ch * plane)
            throw new ArgumentException($"Destination holds {dst.Length} values, a {image.Width}x{image.Height}x{ch} image needs {ch * plane}.", nameof(dst));
        CheckChannels(normalization, ch);
        byte[] px = image.Pixels;
        for (int c = 0; c < ch; c++)
        {
            Span<float> p = dst.Slice(c * plane, plane);
            for (int k = 0; k < plane; k++) p[k] = ByteToUnit[px[k * ch + c]];
        }
        normalization?.Apply(dst);
    }

    /// <summary>A [C, H, W] tensor of the image in [0, 1], normalised when <paramref name="normalization"/> is given.</summary>
    public static Tensor ToTensor(Image image, Normalization? normalization = null)
    {
        var t = new Tensor(image.Channels, image.Height, image.Width);
        CopyChw(image, t.Data, normalization);
        return t;
    }

    /// <summary>
    /// The image of a [C, H, W] or [1, C, H, W] tensor (C = 1 or 3): undoes <paramref name="normalization"/>
    /// (x * std + mean), clamps to [0, 1] and rounds x * 255 to the nearest byte.
    /// </summary>
    public static Image FromTensor(Tensor tensor, Normalization? normalization = null)
    {
        int[] s = tensor.Shape;
        bool ok = s.Length == 3 || (s.Length == 4 && s[0] == 1);
        if (!ok) throw new ArgumentException($"Expected a [C, H, W] or [1, C, H, W] tensor, got {tensor.ShapeString}.", nameof(tensor));
        int ch = s[^3], h = s[^2], w = s[^1], plane = h * w;
        CheckChannels(normalization, ch);
        var image = new Image(w, h, ch);
        for (int c = 0; c < ch; c++)
        {
            float mean = normalization?.Mean[c] ?? 0f, std = normalization?.Std[c] ?? 1f;
            for (int k = 0; k < plane; k++)
            {
                float v = Math.Clamp(tensor.Data[c * plane + k] * std + mean, 0f, 1f);
                image.Pixels[k * ch + c] = (byte)MathF.Round(v * 255f);
            }
        }
        return image;
    }

    private static void CheckChannels(Normalization? n, int channels)
    {
        if (n is not null && n.Channels != channels)
            throw new ArgumentException($"Normalisation has {n.Channels} channels, the image {channels}.");
    }
}
