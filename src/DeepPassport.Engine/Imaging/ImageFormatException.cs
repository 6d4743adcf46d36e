namespace DeepPassport.Engine.Imaging;

/// <summary>An image file that cannot be decoded: corrupt, truncated, unsupported or too large.</summary>
public sealed class ImageFormatException : IOException
{
    /// <summary>Creates the exception; the message names the file and the problem.</summary>
    public ImageFormatException(string fileName, string problem, Exception? inner = null)
        : base($"Cannot read image '{fileName}': {problem}", inner)
    {
        FileName = fileName;
        Problem = problem;
    }

    /// <summary>The file (or the name given for in-memory data) that failed to decode.</summary>
    public string FileName { get; }

    /// <summary>What is wrong with it, without the file name.</summary>
    public string Problem { get; }
}
