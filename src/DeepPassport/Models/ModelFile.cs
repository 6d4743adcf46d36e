using System.Globalization;
using DeepPassport.Engine.IO;
using DeepPassport.Engine.Nn;

namespace DeepPassport.Models;

/// <summary>model.safetensors: a plain model's state dict with its description in the metadata.</summary>
public static class ModelFile
{
    public static void Save(string path, Module model, ModelDescription description) =>
        StateDictFile.Save(path, model.StateDict(), description.Metadata());

    /// <summary>
    /// Rebuilds the model a file describes and loads its weights strictly. <paramref name="arch"/> and
    /// <paramref name="norm"/> override (or supply, for a file from elsewhere) the metadata.
    /// </summary>
    public static (Module Model, ModelDescription Description) Load(string path, string? arch = null, NormType? norm = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model file '{path}' does not exist.", path);
        var (state, meta) = StateDictFile.Load(path);
        arch ??= meta.GetValueOrDefault("arch") ?? throw new InvalidDataException($"model file '{path}' does not say its architecture: give --arch.");
        norm ??= meta.TryGetValue("norm", out var n) ? NormTypes.Parse(n) : NormType.Bn;
        int classes = meta.TryGetValue("num_classes", out var c) && int.TryParse(c, NumberStyles.Integer, CultureInfo.InvariantCulture, out int k) ? k
            : InferClasses(state, path);
        var description = new ModelDescription(arch, norm.Value, classes, meta.GetValueOrDefault("instance_norm_affine") == "true");
        var model = description.CreateModel();
        try { model.LoadStateDict(state, strict: true); }
        catch (StateDictException e) { throw new InvalidDataException($"model file '{path}' does not fit {arch} (norm {norm.Value.ToOptionString()}): {e.Message}", e); }
        return (model, description);
    }

    /// <summary>The class count is the row count of the last layer's weight (classifier or linear).</summary>
    private static int InferClasses(StateDict state, string path)
    {
        foreach (var key in new[] { "classifier.weight", "linear.weight" })
            if (state.TryGetValue(key, out var v) && !v.IsInt64) return v.Shape[0];
        throw new InvalidDataException($"model file '{path}' has no classifier.weight or linear.weight to tell its class count.");
    }
}
