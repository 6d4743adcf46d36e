using System.IO.Compression;

namespace DeepPassport.Engine.Imaging;

/// <summary>
/// PNG reading and writing (ISO/IEC 15948).
/// <para>
/// Decoding accepts every colour type and bit depth, palettes, tRNS and Adam7 interlacing. The result is 8-bit:
/// gray and gray+alpha give 1 channel, RGB, RGBA and palette give 3. Alpha (an alpha channel or tRNS) is
/// <b>dropped</b>, as PIL's <c>convert("RGB")</c> in torchvision's image loader does; 16-bit samples keep their
/// high byte; 1/2/4-bit gray is scaled to 0..255. Every chunk CRC is checked; images over
/// <see cref="Image.MaxPixels"/> are refused from the header alone, and no more data is inflated than the
/// header says the image needs.
/// </para>
/// </summary>
public static class Png
{
    /// <summary>True when <paramref name="data"/> starts with the PNG signature.</summary>
    public static bool IsPng(ReadOnlySpan<byte> data) => PngChunks.HasSignature(data);

    /// <summary>Decodes a PNG held in memory; <paramref name="nameForErrors"/> is used in error messages.</summary>
    /// <exception cref="ImageFormatException">The data is not a valid PNG, is truncated, corrupt or too large.</exception>
    public static Image Decode(byte[] data, string nameForErrors) => PngDecoder.Decode(data, nameForErrors);

    /// <summary>Reads and decodes a PNG file.</summary>
    /// <exception cref="ImageFormatException">The file is not a valid PNG.</exception>
    public static Image Decode(string path) => Decode(File.ReadAllBytes(path), path);

    /// <summary>
    /// Encodes an image as an 8-bit gray (1 channel) or RGB (3 channels) PNG, choosing each row's filter by the
    /// minimum sum of absolute differences.
    /// </summary>
    public static byte[] Encode(Image image, CompressionLevel level = CompressionLevel.Optimal) => PngEncoder.Encode(image, level);

    /// <summary>Encodes <paramref name="image"/> and writes it to <paramref name="path"/>.</summary>
    public static void Write(string path, Image image, CompressionLevel level = CompressionLevel.Optimal) =>
        File.WriteAllBytes(path, Encode(image, level));
}
