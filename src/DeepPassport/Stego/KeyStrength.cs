using DeepPassport.Engine.Imaging;

namespace DeepPassport.Stego;

/// <summary>
/// How hard a steganographic key is to stand in for, as the ISN sees it (<see cref="IsnBundle.PrepareKey"/>): its
/// contrast, the standard deviation of its pixels in levels of 0-255, and the known texture closest to it (PSNR).
/// Why it matters (docs/licensing.md, runs 10-15): what a wrong key reveals depends on how close it is to the key. With
/// the dark, low-contrast DTD bumpy_0014 as the key (σ 27), the one held-out texture within 17.4 dB of it revealed
/// identities at 16.5 dB however the ISN was trained; an owner chooses the key as a password is chosen, and a key
/// unlike every texture an attacker could try leaves nothing for one to find.
/// </summary>
public sealed record KeyStrength(double Contrast, string? Nearest, double NearestPsnr)
{
    /// <summary>Below this contrast (levels) a key is weak: dark or flat images are near each other and near many photos.</summary>
    public const double MinContrast = 32;

    /// <summary>A known texture closer than this (PSNR, dB) to the key may reveal with it.</summary>
    public const double MaxNearestPsnr = 15;

    /// <summary>The key's strength against <paramref name="textures"/> (name, image), each fitted to S x S as the key is.</summary>
    public static KeyStrength Of(Image key, IEnumerable<(string Name, Image Image)> textures, int size)
    {
        var k = IsnBundle.PrepareKey(key, size);
        var (nearest, psnr) = (default(string), double.NegativeInfinity);
        foreach (var (name, image) in textures)
        {
            double p = ImageQuality.Psnr(k, IsnBundle.PrepareKey(image, size));
            if (p > psnr) (nearest, psnr) = (name, p);
        }
        return new KeyStrength(StandardDeviation(k.Pixels), nearest, psnr);
    }

    /// <summary>The population standard deviation of all pixel values.</summary>
    public static double StandardDeviation(ReadOnlySpan<byte> pixels)
    {
        double mean = 0, squares = 0;
        foreach (byte v in pixels) mean += v;
        mean /= pixels.Length;
        foreach (byte v in pixels) squares += (v - mean) * (v - mean);
        return Math.Sqrt(squares / pixels.Length);
    }

    /// <summary>Null for a strong key; otherwise what makes it weak.</summary>
    public string? Weakness =>
        Contrast < MinContrast && NearestPsnr > MaxNearestPsnr ? $"{ContrastText} and {NearestText}"
        : Contrast < MinContrast ? ContrastText
        : NearestPsnr > MaxNearestPsnr ? NearestText
        : null;

    private string ContrastText => $"its contrast is low (σ {Contrast:F1} levels, under {MinContrast})";
    private string NearestText => $"the texture '{Nearest}' is {NearestPsnr:F1} dB from it (over {MaxNearestPsnr} dB)";

    public override string ToString() =>
        $"contrast σ {Contrast:F1} levels" + (Nearest is null ? "" : $", nearest known texture '{Nearest}' at {NearestPsnr:F1} dB");
}
