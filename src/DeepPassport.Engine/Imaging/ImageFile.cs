namespace DeepPassport.Engine.Imaging;

/// <summary>Reads an image file of any supported format, chosen by its first bytes, not its extension.</summary>
public static class ImageFile
{
    /// <summary>File extensions treated as images by folder readers (compared case-insensitively).</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg"];

    /// <summary>True when <paramref name="path"/> has one of <see cref="Extensions"/>.</summary>
    public static bool HasImageExtension(string path) =>
        Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>Decodes a PNG (signature 89 50 4E 47 ...) or JPEG (FF D8) file.</summary>
    /// <exception cref="ImageFormatException">The file is neither format or cannot be decoded.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static Image Read(string path) => Decode(File.ReadAllBytes(path), path);

    /// <summary>Decodes PNG or JPEG bytes; <paramref name="nameForErrors"/> is used in error messages.</summary>
    public static Image Decode(byte[] data, string nameForErrors)
    {
        if (Png.IsPng(data)) return Png.Decode(data, nameForErrors);
        if (data.Length >= 2 && data[0] == 0xFF && data[1] == 0xD8) return Jpeg.Decode(data, nameForErrors);
        throw new ImageFormatException(nameForErrors, "not a PNG or JPEG file (unrecognised first bytes)");
    }
}
