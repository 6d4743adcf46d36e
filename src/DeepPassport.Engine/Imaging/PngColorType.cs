namespace DeepPassport.Engine.Imaging;

/// <summary>The PNG colour types (IHDR byte 9).</summary>
public enum PngColorType : byte
{
    /// <summary>Gray samples, bit depth 1, 2, 4, 8 or 16.</summary>
    Gray = 0,
    /// <summary>R, G, B samples, bit depth 8 or 16.</summary>
    Rgb = 2,
    /// <summary>Palette indices, bit depth 1, 2, 4 or 8.</summary>
    Palette = 3,
    /// <summary>Gray and alpha samples, bit depth 8 or 16.</summary>
    GrayAlpha = 4,
    /// <summary>R, G, B, alpha samples, bit depth 8 or 16.</summary>
    Rgba = 6,
}
