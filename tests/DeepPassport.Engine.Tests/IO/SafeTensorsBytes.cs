using System.Buffers.Binary;
using System.Text;

namespace DeepPassport.Engine.Tests.IO;

/// <summary>Builds safetensors byte images by hand, independently of the writer under test.</summary>
internal static class SafeTensorsBytes
{
    public static byte[] Build(string headerJson, params byte[][] data)
    {
        byte[] header = Encoding.UTF8.GetBytes(headerJson);
        return BuildRaw((ulong)header.Length, header, data);
    }

    public static byte[] BuildRaw(ulong declaredHeaderLength, byte[] header, params byte[][] data)
    {
        var ms = new MemoryStream();
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, declaredHeaderLength);
        ms.Write(len);
        ms.Write(header);
        foreach (byte[] d in data) ms.Write(d);
        return ms.ToArray();
    }

    /// <summary>A one-tensor file: F32 "w" of shape [2] = (1, -2.5).</summary>
    public static byte[] OneTensor(string offsets = "[0,8]", string dtype = "F32", string shape = "[2]") =>
        Build("{\"w\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}}",
              [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0]);
}
