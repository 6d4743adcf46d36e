using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;

namespace DeepPassport.Schemes;

/// <summary>
/// Turns a DeepIPR model into its deployment package, a plain model of the architecture, and back for verification.
/// Each passport layer y = ReLU(s * Norm(W * x) + t) becomes a plain block whose norm affine holds (s, t): the
/// public scale and bias for V2/V3, the passport-derived gamma and beta for V1 (V1's passport is needed at inference,
/// so its deployment is the materialised form). Without a norm, s is folded into the conv (W' = s * W, bias t), and the
/// owner keeps s to unfold it. Passports, private parameters and signatures are never part of the package.
/// </summary>
public static class DeploymentExport
{
    /// <summary>The deployment state dict (plain names), its description, and the folded scales by layer path (norm none only).</summary>
    public static (StateDict State, ModelDescription Description, IReadOnlyDictionary<string, Tensor> FoldedScales) ToPlain(DeepIprModel model)
    {
        using var _ = NoGrad.Scope();
        var description = Describe(model);
        var source = model.Network.StateDict();
        var passportPaths = model.PassportLayers.Select(p => p.Path + ".").ToList();
        var plain = new StateDict();
        foreach (var (name, value) in source)
            if (!passportPaths.Any(p => name.StartsWith(p, StringComparison.Ordinal))) plain.Add(name, value);
        var folded = new Dictionary<string, Tensor>();
        foreach (var (path, block) in model.PassportLayers)
        {
            var (scale, bias) = block.Scale is null ? (block.PassportScale(), block.PassportBias()) : (block.Scale.Value.Clone(), block.Bias!.Value.Clone());
            var weight = block.Conv.Weight.Value.Clone();
            foreach (var (name, value) in source)
                if (name.StartsWith(path + ".bn.", StringComparison.Ordinal)) plain.Add(name, value);
            if (block.Norm is null)
            {
                ScaleRows(weight, scale, divide: false);
                plain.Add(path + ".conv.weight", weight);
                plain.Add(path + ".conv.bias", bias);
                folded[path] = scale;
            }
            else
            {
                plain.Add(path + ".conv.weight", weight);
                plain.Add(path + ".bn.weight", scale);
                plain.Add(path + ".bn.bias", bias);
            }
        }
        // The package must load strictly into the plain architecture: check it here, not at the user's.
        var check = description.CreateModel();
        check.LoadStateDict(plain, strict: true);
        return (check.StateDict(), description, folded);
    }

    /// <summary>The plain architecture the deployment package loads into.</summary>
    public static ModelDescription Describe(DeepIprModel model) =>
        new(model.Arch, model.Norm, model.NumClasses, InstanceAffine: model.Norm == NormType.In);

    /// <summary>
    /// Loads a (suspect) deployment package into the passport model: conv weights and norm statistics into every
    /// layer, the plain affine into the public scale and bias (V2/V3), the rest by name. The passports stay the model's.
    /// </summary>
    public static void LoadPlain(DeepIprModel model, StateDict plain, IReadOnlyDictionary<string, Tensor> foldedScales, string source)
    {
        var state = new StateDict();
        var passportPaths = model.PassportLayers.Select(p => p.Path + ".").ToList();
        foreach (var (name, value) in plain)
            if (!passportPaths.Any(p => name.StartsWith(p, StringComparison.Ordinal))) state.Add(name, value);
        foreach (var (path, block) in model.PassportLayers)
        {
            var weight = Get(plain, path + ".conv.weight", source).Clone();
            if (block.Norm is null)
            {
                var scale = foldedScales.TryGetValue(path, out var s) ? s
                    : throw new InvalidDataException($"{source}: the owner keeps no folded scale for layer '{path}' (norm none).");
                ScaleRows(weight, scale, divide: true);
                if (block.Scale is not null) { state.Add(path + ".scale", scale); state.Add(path + ".bias", Get(plain, path + ".conv.bias", source)); }
            }
            else
            {
                foreach (var (name, value) in plain)
                    if (name.StartsWith(path + ".bn.", StringComparison.Ordinal) && name != path + ".bn.weight" && name != path + ".bn.bias") state.Add(name, value);
                if (block.Scale is not null) { state.Add(path + ".scale", Get(plain, path + ".bn.weight", source)); state.Add(path + ".bias", Get(plain, path + ".bn.bias", source)); }
            }
            state.Add(path + ".conv.weight", weight);
            // The block's own buffers are its passports: they stay the owner's.
            foreach (var (name, buffer) in block.NamedBuffers())
                if (!name.Contains('.')) state.Add(path + "." + name, buffer.Clone());
        }
        try { model.Network.LoadStateDict(state, strict: true); }
        catch (StateDictException e) { throw new InvalidDataException($"{source} does not fit the owner's {model.Arch} (norm {model.Norm.ToOptionString()}): {e.Message}", e); }
    }

    private static Tensor Get(StateDict state, string name, string source) =>
        state.TryGetValue(name, out var v) && !v.IsInt64 ? v.Tensor! : throw new InvalidDataException($"{source} has no tensor '{name}'.");

    /// <summary>W[c] *= s[c] (or /= s[c]) for every output channel c of a conv weight [C, ...].</summary>
    private static void ScaleRows(Tensor weight, Tensor scale, bool divide)
    {
        int rows = weight.Shape[0], row = weight.Size / rows;
        if (scale.Size != rows) throw new InvalidDataException($"{scale.Size} scales for a conv of {rows} output channels.");
        for (int c = 0; c < rows; c++)
        {
            float f = divide ? 1f / scale.Data[c] : scale.Data[c];
            foreach (ref float w in weight.Data.AsSpan(c * row, row)) w *= f;
        }
    }
}
