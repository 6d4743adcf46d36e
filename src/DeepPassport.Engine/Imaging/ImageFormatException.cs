namespace DeepPassport.Engine.Imaging;

/// <summary>
/// An image file is malformed or uses a feature the codec does not support (truncated data, bad marker,
/// arithmetic coding, ...). The message always names the file and the problem.
/// </summary>
/// <remarks>
/// Derives from <see cref="IOException"/> because <see cref="InvalidDataException"/> is sealed; a caller that
/// catches <see cref="IOException"/> around a load handles both a missing and a malformed file.
/// </remarks>
public sealed class ImageFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="fileName"/> with a description of <paramref name="problem"/>.</summary>
    public ImageFormatException(string fileName, string problem, Exception? inner = null)
        : base($"Invalid image file '{fileName}': {problem}", inner)
    {
        FileName = fileName;
        Problem = problem;
    }

    /// <summary>The file (or stream name) that was being read.</summary>
    public string FileName { get; }

    /// <summary>What was wrong, without the file name.</summary>
    public string Problem { get; }
}
