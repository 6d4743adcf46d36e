using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace DeepPassport.Engine.Data.Download;

/// <summary>
/// Fetches an official archive into a cache folder, safely:
/// <list type="bullet">
/// <item>resumable: bytes go to <c>NAME.part</c>, and a later run continues it with an HTTP Range request;</item>
/// <item>verified: the whole archive must have the published MD5 before it is used; a mismatch deletes the part file;</item>
/// <item>atomic: the archive is renamed into place only when verified, and unpacked into a temporary folder that is
/// renamed to its final name last, so a half-finished download or unpack is never mistaken for a good one.</item>
/// </list>
/// Without network, the error names the manual steps.
/// </summary>
public sealed class DatasetDownloader(HttpClient http, string cacheDir)
{
    public string CacheDir { get; } = cacheDir;

    /// <summary>The unpacked folder of <paramref name="source"/>, downloading and unpacking it first when it is not in the cache.</summary>
    public async Task<string> EnsureAsync(ArchiveSource source, IProgress<DownloadProgress>? progress = null, CancellationToken cancel = default)
    {
        string folder = Path.Combine(CacheDir, source.Folder);
        if (Directory.Exists(folder)) return folder;
        Directory.CreateDirectory(CacheDir);
        string archive = Path.Combine(CacheDir, source.FileName);
        if (!File.Exists(archive)) await DownloadVerifiedAsync(source, archive, progress, cancel).ConfigureAwait(false);
        else if (!string.Equals(Md5Of(archive), source.Md5, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(archive);
            await DownloadVerifiedAsync(source, archive, progress, cancel).ConfigureAwait(false);
        }
        Unpack(archive, source, folder);
        return folder;
    }

    private async Task DownloadVerifiedAsync(ArchiveSource source, string archive, IProgress<DownloadProgress>? progress, CancellationToken cancel)
    {
        string part = archive + ".part";
        try { await DownloadToPartAsync(source, part, progress, cancel).ConfigureAwait(false); }
        catch (HttpRequestException e) { throw new DownloadException(Manual(source, $"could not download {source.Url} ({e.Message})"), e); }
        catch (TaskCanceledException e) when (!cancel.IsCancellationRequested) { throw new DownloadException(Manual(source, $"download of {source.Url} timed out"), e); }
        string md5 = Md5Of(part);
        if (!string.Equals(md5, source.Md5, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(part);
            throw new DownloadException(Manual(source, $"{source.FileName} has MD5 {md5}, but the published one is {source.Md5}; the damaged download was deleted"));
        }
        File.Move(part, archive, overwrite: true);
    }

    private async Task DownloadToPartAsync(ArchiveSource source, string part, IProgress<DownloadProgress>? progress, CancellationToken cancel)
    {
        long have = File.Exists(part) ? new FileInfo(part).Length : 0;
        using var request = new HttpRequestMessage(HttpMethod.Get, source.Url);
        if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable) { File.Delete(part); have = 0; await DownloadToPartAsync(source, part, progress, cancel).ConfigureAwait(false); return; }
        response.EnsureSuccessStatusCode();
        bool resumed = response.StatusCode == HttpStatusCode.PartialContent;
        if (!resumed) have = 0;   // the server ignored the range: start again
        long? total = response.Content.Headers.ContentLength is long len ? len + have : null;
        await using var body = await response.Content.ReadAsStreamAsync(cancel).ConfigureAwait(false);
        await using var file = new FileStream(part, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await body.ReadAsync(buffer, cancel).ConfigureAwait(false)) > 0)
        {
            await file.WriteAsync(buffer.AsMemory(0, read), cancel).ConfigureAwait(false);
            have += read;
            progress?.Report(new DownloadProgress(source.Name, have, total));
        }
        await file.FlushAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>Unpacks the .tar.gz into a temporary folder and renames its top folder into place last.</summary>
    private static void Unpack(string archive, ArchiveSource source, string folder)
    {
        string temp = Path.Combine(Path.GetDirectoryName(folder)!, $".unpack-{source.Name}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(temp);
            using (var gz = new GZipStream(File.OpenRead(archive), CompressionMode.Decompress))
                TarFile.ExtractToDirectory(gz, temp, overwriteFiles: false);
            string unpacked = Path.Combine(temp, source.Folder);
            if (!Directory.Exists(unpacked))
                throw new DownloadException($"archive {archive} does not contain the folder {source.Folder}/ it should; delete it and try again.");
            Directory.Move(unpacked, folder);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new DownloadException($"archive {archive} could not be unpacked ({e.Message}); delete it and try again.", e);
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    private string Manual(ArchiveSource source, string problem) =>
        $"{problem}. To install {source.Name} by hand: download {source.Url} on a machine with network, check that its MD5 is " +
        $"{source.Md5}, put it in {CacheDir} (it will be verified and unpacked on the next run), or unpack it yourself so that " +
        $"{Path.Combine(CacheDir, source.Folder)} exists, or point --data / DEEPPASSPORT_DATA at a folder that holds it.";

    public static string Md5Of(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(MD5.HashData(s));
    }
}
