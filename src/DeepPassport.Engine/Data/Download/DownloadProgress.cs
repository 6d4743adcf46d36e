namespace DeepPassport.Engine.Data.Download;

/// <summary>Bytes of an archive on disk so far, and its full size when the server said it (else null).</summary>
public readonly record struct DownloadProgress(string Name, long Bytes, long? TotalBytes);
