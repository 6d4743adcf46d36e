namespace DeepPassport.Engine.Data.Download;

/// <summary>A download that could not be completed or verified; the message says how to install the data by hand.</summary>
public sealed class DownloadException(string message, Exception? inner = null) : IOException(message, inner);
