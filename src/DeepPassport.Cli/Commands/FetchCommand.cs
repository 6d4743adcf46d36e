using DeepPassport.Engine.Data.Download;

namespace DeepPassport.Cli.Commands;

/// <summary>
/// `deeppassport fetch --dataset cifar10|cifar100 [--out DIR]`: downloads the official archive into a cache folder
/// (resumable, MD5-verified, unpacked atomically) and prints the folder to pass as --data.
/// </summary>
public static class FetchCommand
{
    public static int Run(Options o)
    {
        var name = o.Choice("dataset", "cifar10", ArchiveSource.Known.Select(k => k.Name).ToArray());
        var cache = o.String("out") ?? DefaultCache();
        o.EnsureAllUsed();
        var source = ArchiveSource.Known.Single(k => k.Name == name);
        ProgressBar? bar = null;
        var progress = new SyncProgress<DownloadProgress>(p =>
        {
            bar ??= new ProgressBar($"downloading {p.Name}", (int)Math.Min(int.MaxValue, (p.TotalBytes ?? 0) / 1024), "KiB");
            bar.Report((int)Math.Min(int.MaxValue, p.Bytes / 1024));
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
        string folder;
        try { folder = new DatasetDownloader(http, cache).EnsureAsync(source, progress).GetAwaiter().GetResult(); }
        catch (DownloadException e) { throw new UsageException(e.Message); }
        Console.WriteLine($"{name} is in {folder}; use --data {cache}");
        return 0;
    }

    /// <summary>$XDG_CACHE_HOME/deeppassport, else ~/.cache/deeppassport.</summary>
    public static string DefaultCache()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg;
        return Path.Combine(root, "deeppassport");
    }
}
