using DeepPassport.Engine.Nn;

namespace DeepPassport.Engine.IO;

/// <summary>
/// A module's state dict as a safetensors file, with PyTorch's names: float tensors as F32, integer counters
/// (num_batches_tracked) as I64 scalars, so `torch.load`-free PyTorch code reads it with `safetensors.torch.load_file`.
/// </summary>
public static class StateDictFile
{
    public static void Save(string path, StateDict state, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensors.Write(path, ToFile(state, metadata));

    /// <summary>The same bytes as <see cref="Save"/> writes, in memory (for containers such as the owner vault).</summary>
    public static byte[] ToBytes(StateDict state, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var ms = new MemoryStream();
        SafeTensors.Write(ms, ToFile(state, metadata));
        return ms.ToArray();
    }

    public static (StateDict State, IReadOnlyDictionary<string, string> Metadata) Load(string path) => FromFile(SafeTensors.Read(path), path);

    /// <summary>Reads safetensors bytes; <paramref name="nameForErrors"/> names them in messages.</summary>
    public static (StateDict State, IReadOnlyDictionary<string, string> Metadata) FromBytes(byte[] bytes, string nameForErrors)
    {
        using var ms = new MemoryStream(bytes, writable: false);
        return FromFile(SafeTensors.Read(ms, nameForErrors), nameForErrors);
    }

    private static SafeTensorsFile ToFile(StateDict state, IReadOnlyDictionary<string, string>? metadata)
    {
        var file = new SafeTensorsFile();
        foreach (var (name, value) in state)
        {
            if (value.IsInt64) file.Int64[name] = Int64Tensor.Scalar(value.Int64);
            else file.Tensors[name] = value.Tensor!;
        }
        if (metadata is not null) foreach (var (k, v) in metadata) file.Metadata[k] = v;
        return file;
    }

    private static (StateDict, IReadOnlyDictionary<string, string>) FromFile(SafeTensorsFile file, string source)
    {
        var state = new StateDict();
        foreach (var (name, t) in file.Tensors) state.Add(name, t);
        foreach (var (name, t) in file.Int64)
        {
            if (t.Data.Length != 1) throw new SafeTensorsFormatException(source, $"integer tensor '{name}' has {t.Data.Length} values; only integer scalars (like num_batches_tracked) belong in a state dict.");
            state.Add(name, t.Data[0]);
        }
        return (state, file.Metadata);
    }
}
