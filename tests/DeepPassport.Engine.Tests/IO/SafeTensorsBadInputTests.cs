using System.Text;
using DeepPassport.Engine.IO;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.IO;

public class SafeTensorsBadInputTests
{
    private const string Name = "bad.safetensors";

    private static SafeTensorsFormatException Fails(byte[] bytes, string expectInMessage)
    {
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Read(new MemoryStream(bytes), Name));
        Assert.Contains(Name, e.Message);
        Assert.Contains(expectInMessage, e.Message);
        return e;
    }

    private static byte[] Valid()
    {
        var f = new SafeTensorsFile();
        f.Metadata["m"] = "x";
        f.Tensors["a"] = new Tensor([1f, 2f, 3f], 3);
        f.Int64["b"] = new Int64Tensor([4, 5], [2]);
        var ms = new MemoryStream();
        SafeTensors.Write(ms, f);
        return ms.ToArray();
    }

    [Fact]
    public void Truncated_AtEveryLength_Fails()
    {
        byte[] bytes = Valid();
        for (int n = 0; n < bytes.Length; n++)
        {
            byte[] cut = bytes[..n];
            var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Read(new MemoryStream(cut), Name));
            Assert.Contains(Name, e.Message);
        }
    }

    [Fact]
    public void RandomCorruption_FailsCleanlyOrReads()
    {
        byte[] valid = Valid();
        var rng = new Rng(7);
        for (int trial = 0; trial < 2000; trial++)
        {
            byte[] bytes = (byte[])valid.Clone();
            for (int k = 0; k <= rng.NextInt(3); k++) bytes[rng.NextInt(bytes.Length)] = (byte)rng.NextInt(256);
            try { SafeTensors.Read(new MemoryStream(bytes), Name); }
            catch (SafeTensorsFormatException) { }
        }
    }

    [Theory]
    [InlineData(ulong.MaxValue, "exceeds the limit")]
    [InlineData(200UL * 1024 * 1024, "exceeds the limit")]
    [InlineData(1000UL, "extends beyond")]
    public void HeaderLength_TooLarge_Fails(ulong declared, string expect)
    {
        byte[] header = Encoding.UTF8.GetBytes("{}");
        Fails(SafeTensorsBytes.BuildRaw(declared, header), expect);
    }

    [Theory]
    [InlineData("{\"w\":", "not valid JSON")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("", "not valid JSON")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}", "twice")]
    [InlineData("{\"__metadata__\":{\"a\":1}}", "must be a string")]
    [InlineData("{\"__metadata__\":[]}", "object of strings")]
    [InlineData("{\"w\":{\"shape\":[0],\"data_offsets\":[0,0]}}", "missing key 'dtype'")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,0]}}", "missing key 'shape'")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[0]}}", "missing key 'data_offsets'")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0],\"x\":1}}", "unexpected")]
    [InlineData("{\"w\":7}", "entry must be an object")]
    public void BadHeader_Fails(string json, string expect) => Fails(SafeTensorsBytes.Build(json), expect);

    [Theory]
    [InlineData("[0,8]", "U8", "[2]", "unsupported dtype 'U8'")]
    [InlineData("[0,8]", "f32", "[2]", "unsupported dtype")]
    [InlineData("[0,8]", "F32", "[-2]", "negative dimension")]
    [InlineData("[0,8]", "F32", "[2.5]", "not an integer")]
    [InlineData("[0,8]", "F32", "[\"2\"]", "not an integer")]
    [InlineData("[0,8]", "F32", "[3]", "needs 12")]
    [InlineData("[0,8]", "I64", "[2]", "needs 16")]
    [InlineData("[0,8]", "F32", "[2147483647,2147483647,2147483647]", "more elements")]
    [InlineData("[0,4]", "F32", "[2]", "needs 8")]
    [InlineData("[4,12]", "F32", "[2]", "beyond the data section")]
    [InlineData("[8,0]", "F32", "[2]", "increasing pair")]
    [InlineData("[-8,0]", "F32", "[2]", "increasing pair")]
    [InlineData("[0]", "F32", "[2]", "[begin, end]")]
    [InlineData("[0,1e3]", "F32", "[2]", "two integers")]
    public void BadEntry_Fails(string offsets, string dtype, string shape, string expect) =>
        Fails(SafeTensorsBytes.OneTensor(offsets, dtype, shape), expect);

    [Fact]
    public void OverlappingTensors_Fail()
    {
        const string json = """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""";
        Fails(SafeTensorsBytes.Build(json, new byte[8]), "overlap");
    }
}
