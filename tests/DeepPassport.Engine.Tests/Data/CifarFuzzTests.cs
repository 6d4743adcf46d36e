using DeepPassport.Engine.Data;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.Data;

/// <summary>
/// Thousands of truncated and bit-flipped CIFAR record files: each either loads (a flipped pixel is still a valid
/// image) or fails with the documented InvalidDataException naming the file — never another exception.
/// </summary>
public class CifarFuzzTests
{
    [Fact]
    public void TruncatedAndBitFlippedFilesLoadOrFailClearly()
    {
        using var dir = new TempFolder();
        var good = SyntheticCifar.Records(Enumerable.Range(0, 4).Select(i => new[] { (byte)(i % 10) }).ToArray());
        var path = dir.File("data_batch_1.bin");
        var rng = new Rng(11);
        int loaded = 0, refused = 0;
        for (int trial = 0; trial < 2000; trial++)
        {
            var bytes = (byte[])good.Clone();
            if (trial % 2 == 0) bytes = bytes[..rng.NextInt(bytes.Length)];
            else
                for (int f = 0; f < 1 + rng.NextInt(8); f++)
                {
                    // Hit label bytes often: they are where a flip can make a record invalid.
                    int at = rng.NextInt(4) == 0 ? 3073 * rng.NextInt(4) : rng.NextInt(bytes.Length);
                    bytes[at] ^= (byte)(1 << rng.NextInt(8));
                }
            File.WriteAllBytes(path, bytes);
            try
            {
                var ds = new CifarDataset([path], CifarRecordFormat.Cifar10);
                var img = new float[3072];
                for (int i = 0; i < ds.Count; i++) { ds.CopyImage(i, img); Assert.InRange(ds.Label(i), 0, 9); }
                loaded++;
            }
            catch (InvalidDataException e)
            {
                Assert.Contains("data_batch_1.bin", e.Message);
                refused++;
            }
        }
        Assert.True(loaded > 100 && refused > 100, $"loaded {loaded}, refused {refused}");
    }
}
