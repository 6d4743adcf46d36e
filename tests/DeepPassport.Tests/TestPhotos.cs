using DeepPassport.Engine.Imaging;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Tests;

/// <summary>Small learnable stand-ins for photos: smooth colour gradients plus a little noise.</summary>
public static class TestPhotos
{
    public static Image Photo(int w, int h, Rng rng)
    {
        var img = new Image(w, h, 3);
        float a = (float)rng.NextDouble(), b = (float)rng.NextDouble(), c = (float)rng.NextDouble();
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int ch = 0; ch < 3; ch++)
                    img[x, y, ch] = (byte)Math.Clamp(255 * (a * x / w + b * y / h + c * ch / 3) / 2 + rng.NextInt(16), 0, 255);
        return img;
    }
}
