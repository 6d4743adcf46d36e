namespace DeepPassport.Engine.Imaging;

/// <summary>
/// JPEG decoder (ITU T.81 / JFIF): Huffman-coded baseline, extended sequential and progressive files with
/// 8-bit samples, 1 (gray) or 3 (YCbCr or RGB) components, any sampling factors 1..4 and restart markers.
/// Arithmetic coding, lossless, hierarchical, 12-bit and CMYK files are refused with an <see cref="ImageFormatException"/>.
/// </summary>
/// <remarks>
/// Output matches libjpeg-turbo's default decode closely (fancy chroma upsampling, JFIF colour equations);
/// the IDCT is a float one, so samples may differ by a level or so. A file whose scan data ends early is
/// refused rather than returned partly grey. Every failure is an <see cref="ImageFormatException"/> naming the file.
/// </remarks>
public static class Jpeg
{
    /// <summary>
    /// Decodes JPEG <paramref name="data"/>; <paramref name="nameForErrors"/> names the source in error messages.
    /// With <paramref name="applyExifOrientation"/> the image is turned upright by its EXIF orientation tag.
    /// </summary>
    public static Image Decode(byte[] data, string nameForErrors, bool applyExifOrientation = true)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(nameForErrors);
        return JpegDecoder.Decode(data, nameForErrors, applyExifOrientation);
    }

    /// <summary>Reads and decodes the JPEG file at <paramref name="path"/>.</summary>
    public static Image Decode(string path, bool applyExifOrientation = true) =>
        Decode(File.ReadAllBytes(path), path, applyExifOrientation);

    /// <summary>Whether <paramref name="data"/> starts like a JPEG file (SOI marker followed by another marker).</summary>
    public static bool IsJpeg(ReadOnlySpan<byte> data) =>
        data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;
}
