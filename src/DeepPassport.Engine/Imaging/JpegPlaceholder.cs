namespace DeepPassport.Engine.Imaging;

// PLACEHOLDER for branch imaging-png only: the real decoder lives in branch imaging-jpeg.
// The integrator deletes this file when merging the JPEG decoder.

/// <summary>Placeholder for the JPEG decoder, which is not built into this branch.</summary>
public static class Jpeg
{
    /// <summary>Always throws: JPEG decoding is not built into this branch.</summary>
    public static Image Decode(byte[] data, string name) => throw new ImageFormatException(name, "JPEG decoding is not built into this branch");
}
