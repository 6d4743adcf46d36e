using System.Text;
using DeepPassport.Engine.IO;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.IO;

public class SafeTensorsTests
{
    private static SafeTensorsFile Sample()
    {
        var f = new SafeTensorsFile();
        f.Metadata["format"] = "pt";
        f.Metadata["note"] = "épreuve \"quoted\"";
        f.Tensors["features.0.weight"] = new Tensor([1f, -2f, 3.5f, float.Epsilon, float.MaxValue, -0f], 2, 3);
        f.Tensors["bias"] = new Tensor([0.25f], 1);
        f.Tensors["empty"] = new Tensor(0, 4);
        f.Tensors["scalar"] = new Tensor([7f]);
        f.Int64["bn.num_batches_tracked"] = Int64Tensor.Scalar(123456789012345);
        f.Int64["labels"] = new Int64Tensor([-1, 0, long.MaxValue], [3]);
        return f;
    }

    private static byte[] ToBytes(SafeTensorsFile f)
    {
        var ms = new MemoryStream();
        SafeTensors.Write(ms, f);
        return ms.ToArray();
    }

    private static SafeTensorsFile FromBytes(byte[] bytes, string name = "test.safetensors") =>
        SafeTensors.Read(new MemoryStream(bytes), name);

    [Fact]
    public void RoundTrip_KeepsTensorsInt64AndMetadata()
    {
        SafeTensorsFile a = Sample();
        SafeTensorsFile b = FromBytes(ToBytes(a));
        Assert.Equal(a.Metadata, b.Metadata);
        Assert.Equal(a.Tensors.Keys.Order(), b.Tensors.Keys.Order());
        foreach ((string name, Tensor t) in a.Tensors)
        {
            Assert.Equal(t.Shape, b.Tensors[name].Shape);
            Assert.Equal(t.Data, b.Tensors[name].Data); // bit-exact, including -0 and denormals
        }
        Assert.Equal(2, b.Int64.Count);
        Assert.Equal(a.Int64["labels"].Data, b.Int64["labels"].Data);
        Assert.Empty(b.Int64["bn.num_batches_tracked"].Shape);
        Assert.Equal(123456789012345, b.Int64["bn.num_batches_tracked"].Data[0]);
    }

    [Fact]
    public void Write_ProducesExactBytes_SortedAndPadded()
    {
        var f = new SafeTensorsFile();
        f.Metadata["k"] = "v";
        f.Tensors["b"] = new Tensor([1f], 1);
        f.Int64["a"] = new Int64Tensor([2], [1]);
        byte[] bytes = ToBytes(f);

        const string json = """{"__metadata__":{"k":"v"},"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""";
        int padded = (json.Length + 7) / 8 * 8;
        Assert.Equal((ulong)padded, BitConverter.ToUInt64(bytes, 0));
        Assert.Equal(json + new string(' ', padded - json.Length), Encoding.UTF8.GetString(bytes, 8, padded));
        Assert.Equal(new byte[] { 2, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x80, 0x3F }, bytes[(8 + padded)..]);
    }

    [Fact]
    public void Read_HandBuiltFile_AllDtypes()
    {
        const string header = """
            {"__metadata__":{"format":"pt"},
             "f32":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},
             "f64":{"dtype":"F64","shape":[1],"data_offsets":[8,16]},
             "f16":{"dtype":"F16","shape":[1],"data_offsets":[16,18]},
             "bf16":{"dtype":"BF16","shape":[1],"data_offsets":[18,20]},
             "i32":{"dtype":"I32","shape":[1,1],"data_offsets":[20,24]},
             "i64":{"dtype":"I64","shape":[],"data_offsets":[24,32]}}
            """;
        byte[] bytes = SafeTensorsBytes.Build(header,
            [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0], // 1.0f, -2.5f
            [0, 0, 0, 0, 0, 0, 0xE0, 0x3F],                   // 0.5 as double
            [0x00, 0x3C],                                     // 1.0 as half
            [0x40, 0xC0],                                     // -3.0 as bfloat16 (0xC040)
            [0xFD, 0xFF, 0xFF, 0xFF],                         // -3 as int32
            [0x2A, 0, 0, 0, 0, 0, 0, 0x01]);                  // 2^56 + 42 as int64
        SafeTensorsFile f = FromBytes(bytes);
        Assert.Equal("pt", f.Metadata["format"]);
        Assert.Equal([1f, -2.5f], f.Tensors["f32"].Data);
        Assert.Equal([0.5f], f.Tensors["f64"].Data);
        Assert.Equal([1f], f.Tensors["f16"].Data);
        Assert.Equal([-3f], f.Tensors["bf16"].Data);
        Assert.Equal([-3L], f.Int64["i32"].Data);
        Assert.Equal([1, 1], f.Int64["i32"].Shape);
        Assert.Equal([(1L << 56) + 42], f.Int64["i64"].Data);
    }

    [Fact]
    public void WriteToPath_IsAtomicAndOverwrites()
    {
        string dir = Directory.CreateTempSubdirectory("st-").FullName;
        try
        {
            string path = Path.Combine(dir, "model.safetensors");
            File.WriteAllText(path, "old");
            SafeTensors.Write(path, Sample());
            Assert.Equal(["model.safetensors"], Directory.GetFiles(dir).Select(Path.GetFileName));
            Assert.Equal(Sample().Tensors["bias"].Data, SafeTensors.Read(path).Tensors["bias"].Data);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Read_MissingFile_Throws() =>
        Assert.Throws<FileNotFoundException>(() => SafeTensors.Read(Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".safetensors")));

    [Fact]
    public void Write_RejectsInconsistentInput()
    {
        var f = new SafeTensorsFile();
        f.Int64["x"] = new Int64Tensor([1, 2], [3]);
        Assert.Throws<ArgumentException>(() => ToBytes(f));
        var g = new SafeTensorsFile();
        g.Tensors["x"] = new Tensor([1f], 1);
        g.Int64["x"] = Int64Tensor.Scalar(1);
        Assert.Throws<ArgumentException>(() => ToBytes(g));
    }

    [Fact]
    public void Read_NonSeekableStream_Works()
    {
        byte[] bytes = ToBytes(Sample());
        var s = new BufferedStream(new NonSeekable(bytes));
        Assert.Equal(4, SafeTensors.Read(s, "pipe").Tensors.Count);
    }

    private sealed class NonSeekable(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
