namespace DeepPassport.Engine.Data.Download;

/// <summary>An official data-set archive: where it lives, its MD5 as published, and the folder it unpacks to.</summary>
public sealed record ArchiveSource(string Name, Uri Url, string Md5, string Folder)
{
    public string FileName => Path.GetFileName(Url.AbsolutePath);

    /// <summary>CIFAR-10, binary version (the layout <see cref="CifarDataset.LoadCifar10"/> reads).</summary>
    public static ArchiveSource Cifar10 { get; } = new("cifar10",
        new Uri("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"), "c32a1d4ab5d03f1284b67883e8d87530", "cifar-10-batches-bin");

    /// <summary>CIFAR-100, binary version (the layout <see cref="CifarDataset.LoadCifar100"/> reads).</summary>
    public static ArchiveSource Cifar100 { get; } = new("cifar100",
        new Uri("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"), "03b5dce01913d631647c71ecec9e9cb8", "cifar-100-binary");

    public static IReadOnlyList<ArchiveSource> Known { get; } = [Cifar10, Cifar100];
}
