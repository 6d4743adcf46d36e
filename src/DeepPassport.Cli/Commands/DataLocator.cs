using DeepPassport.Engine.Data;

namespace DeepPassport.Cli.Commands;

/// <summary>Finds the data folder from --data (read by the command) or DEEPPASSPORT_DATA, never from a built-in path.</summary>
public static class DataLocator
{
    public static string Root(string? dataOption)
    {
        var dir = dataOption ?? Environment.GetEnvironmentVariable("DEEPPASSPORT_DATA");
        if (string.IsNullOrWhiteSpace(dir))
            throw new UsageException("no data folder: give --data DIR or set DEEPPASSPORT_DATA (the folder holding cifar-10-batches-bin).");
        if (!Directory.Exists(dir)) throw new UsageException($"data folder '{dir}' does not exist.");
        return dir;
    }

    /// <summary>The CIFAR-10 binary folder: DIR itself when it holds the batches, else DIR/cifar-10-batches-bin.</summary>
    public static string Cifar10(string? dataOption)
    {
        var root = Root(dataOption);
        if (File.Exists(Path.Combine(root, "test_batch.bin"))) return root;
        var sub = Path.Combine(root, "cifar-10-batches-bin");
        if (Directory.Exists(sub)) return sub;
        throw new UsageException($"no CIFAR-10 under '{root}': expected test_batch.bin there or in its cifar-10-batches-bin folder.");
    }

    /// <summary>The files of CIFAR-10 a run reads, for the manifest checksums.</summary>
    public static IEnumerable<string> Cifar10Files(string dir, int trainBatches) =>
        Enumerable.Range(1, trainBatches).Select(i => Path.Combine(dir, $"data_batch_{i}.bin")).Append(Path.Combine(dir, "test_batch.bin"));
}
