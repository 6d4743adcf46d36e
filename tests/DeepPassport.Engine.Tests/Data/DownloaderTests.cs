using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using DeepPassport.Engine.Data.Download;

namespace DeepPassport.Engine.Tests.Data;

public class DownloaderTests
{
    /// <summary>A .tar.gz holding folder/a.bin and folder/b.txt, with some bulk so a cut download is meaningful.</summary>
    private static byte[] Archive(string folder)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gz))
        {
            var bulk = new byte[200_000];
            new Random(5).NextBytes(bulk);
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"{folder}/a.bin") { DataStream = new MemoryStream(bulk) });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"{folder}/b.txt") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes("hello")) });
        }
        return ms.ToArray();
    }

    private static (ArchiveSource, byte[], LoopbackFileServer) Serve(string md5Override = "")
    {
        var bytes = Archive("set-bin");
        var server = new LoopbackFileServer(bytes, "set.tar.gz");
        string md5 = md5Override.Length > 0 ? md5Override : Convert.ToHexStringLower(MD5.HashData(bytes));
        return (new ArchiveSource("set", server.Url, md5, "set-bin"), bytes, server);
    }

    private static string Cache() => Path.Combine(Path.GetTempPath(), "dp-dl-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task DownloadsVerifiesAndUnpacks()
    {
        var (source, _, server) = Serve();
        using var _s = server;
        using var http = new HttpClient();
        var cache = Cache();
        var reports = new List<DownloadProgress>();
        var folder = await new DatasetDownloader(http, cache).EnsureAsync(source, new SyncProgress(reports.Add));
        Assert.Equal("hello", File.ReadAllText(Path.Combine(folder, "b.txt")));
        Assert.Equal(200_000, new FileInfo(Path.Combine(folder, "a.bin")).Length);
        Assert.NotEmpty(reports);
        Assert.False(File.Exists(Path.Combine(cache, "set.tar.gz.part")));
        // A second call uses the cache and asks nothing of the network.
        int requests = server.RangeHeaders.Count;
        Assert.Equal(folder, await new DatasetDownloader(http, cache).EnsureAsync(source));
        Assert.Equal(requests, server.RangeHeaders.Count);
    }

    [Fact]
    public async Task InterruptedDownloadResumesWithARangeRequest()
    {
        var (source, bytes, server) = Serve();
        using var _s = server;
        using var http = new HttpClient();
        var cache = Cache();
        server.CutAfter = 50_000;
        await Assert.ThrowsAnyAsync<Exception>(() => new DatasetDownloader(http, cache).EnsureAsync(source));
        var part = Path.Combine(cache, "set.tar.gz.part");
        Assert.True(File.Exists(part));
        Assert.False(Directory.Exists(Path.Combine(cache, "set-bin")));   // never mistaken for a good download
        long had = new FileInfo(part).Length;
        Assert.InRange(had, 1, bytes.Length - 1);
        var folder = await new DatasetDownloader(http, cache).EnsureAsync(source);
        Assert.Contains($"bytes={had}-", server.RangeHeaders);
        Assert.Equal("hello", File.ReadAllText(Path.Combine(folder, "b.txt")));
    }

    [Fact]
    public async Task ChecksumMismatchDeletesTheDownloadAndSaysWhy()
    {
        var (source, _, server) = Serve(md5Override: new string('0', 32));
        using var _s = server;
        using var http = new HttpClient();
        var cache = Cache();
        var e = await Assert.ThrowsAsync<DownloadException>(() => new DatasetDownloader(http, cache).EnsureAsync(source));
        Assert.Contains("MD5", e.Message);
        Assert.False(File.Exists(Path.Combine(cache, "set.tar.gz")));
        Assert.False(File.Exists(Path.Combine(cache, "set.tar.gz.part")));
        Assert.False(Directory.Exists(Path.Combine(cache, "set-bin")));
    }

    [Fact]
    public async Task NoNetworkGivesTheManualSteps()
    {
        var source = new ArchiveSource("set", new Uri($"http://127.0.0.1:{LoopbackFileServer.FreePort()}/set.tar.gz"), new string('0', 32), "set-bin");
        using var http = new HttpClient();
        var cache = Cache();
        var e = await Assert.ThrowsAsync<DownloadException>(() => new DatasetDownloader(http, cache).EnsureAsync(source));
        Assert.Contains("by hand", e.Message);
        Assert.Contains(cache, e.Message);
        Assert.Contains(source.Md5, e.Message);
    }

    private sealed class SyncProgress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }
}
