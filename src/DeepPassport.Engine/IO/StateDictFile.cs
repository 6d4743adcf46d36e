using DeepPassport.Engine.Nn;

namespace DeepPassport.Engine.IO;

/// <summary>
/// A module's state dict as a safetensors file, with PyTorch's names: float tensors as F32, integer counters
/// (num_batches_tracked) as I64 scalars, so `torch.load`-free PyTorch code reads it with `safetensors.torch.load_file`.
/// </summary>
public static class StateDictFile
{
    public static void Save(string path, StateDict state, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var file = new SafeTensorsFile();
        foreach (var (name, value) in state)
        {
            if (value.IsInt64) file.Int64[name] = Int64Tensor.Scalar(value.Int64);
            else file.Tensors[name] = value.Tensor!;
        }
        if (metadata is not null) foreach (var (k, v) in metadata) file.Metadata[k] = v;
        SafeTensors.Write(path, file);
    }

    public static (StateDict State, IReadOnlyDictionary<string, string> Metadata) Load(string path)
    {
        var file = SafeTensors.Read(path);
        var state = new StateDict();
        foreach (var (name, t) in file.Tensors) state.Add(name, t);
        foreach (var (name, t) in file.Int64)
        {
            if (t.Data.Length != 1) throw new SafeTensorsFormatException(path, $"integer tensor '{name}' has {t.Data.Length} values; only integer scalars (like num_batches_tracked) belong in a state dict.");
            state.Add(name, t.Data[0]);
        }
        return (state, file.Metadata);
    }
}
