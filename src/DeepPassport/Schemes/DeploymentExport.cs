using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;

namespace DeepPassport.Schemes;

/// <summary>
/// Splits a passport model into its deployment package — a plain model of the architecture — and the owner's private
/// state, and joins them again for verification. Each passport layer's deployment branch
/// y = ReLU(s * Norm(W * x) + t) becomes a plain block: conv.weight = W, the deployment norm's statistics under
/// <c>bn.</c>, and (s, t) as the norm's affine: the public scale and bias (V2/V3, PAN, SP), or for V1 the
/// passport-derived gamma and beta (V1's passport is needed at inference, so its deployment is the materialised form).
/// Without a norm, s is folded into the conv (W' = s * W, conv bias t), and the owner keeps s to unfold it.
/// Passports, signatures and the private branch (bn1 statistics, MLPs, transition affine) never enter the package.
/// </summary>
public static class DeploymentExport
{
    /// <summary>What the owner keeps beside the passports: every model entry the package does not carry, and folded scales.</summary>
    public sealed record PrivateState(StateDict Entries, IReadOnlyDictionary<string, Tensor> FoldedScales);

    /// <summary>The deployment state dict (plain names), its description, and the private state.</summary>
    public static (StateDict State, ModelDescription Description, PrivateState Private) ToPlain(PassportModel model)
    {
        using var _ = NoGrad.Scope();
        var description = Describe(model);
        var source = model.Network.StateDict();
        var plain = new StateDict();
        var used = new HashSet<string>();
        void Take(string plainName, StateValue value, string? sourceName)
        {
            plain.Add(plainName, value);
            if (sourceName is not null) used.Add(sourceName);
        }
        foreach (var (name, value) in source)
            if (LayerOf(model, name) is null) Take(name, value, name);
        var folded = new Dictionary<string, Tensor>();
        foreach (var (path, layer) in model.PassportLayers)
        {
            var (scale, bias) = layer.DeploymentAffine();
            var (normName, norm) = layer.DeploymentNorm;
            var weight = layer.Conv.Weight.Value.Clone();
            used.Add($"{path}.conv.weight");
            if (layer.PublicAffineNames is { } names) { used.Add($"{path}.{names.Scale}"); used.Add($"{path}.{names.Bias}"); }
            if (norm is null)
            {
                ScaleRows(weight, scale, divide: false);
                Take($"{path}.conv.weight", weight, null);
                Take($"{path}.conv.bias", bias.Clone(), null);
                folded[path] = scale.Clone();
                continue;
            }
            foreach (var (name, value) in source)
                if (name.StartsWith($"{path}.{normName}.", StringComparison.Ordinal))
                    Take($"{path}.bn.{name[(path.Length + normName.Length + 2)..]}", value, name);
            Take($"{path}.conv.weight", weight, null);
            Take($"{path}.bn.weight", scale.Clone(), null);
            Take($"{path}.bn.bias", bias.Clone(), null);
        }
        // The package must load strictly into the plain architecture: check it here, not at the user's.
        var check = description.CreateModel();
        check.LoadStateDict(plain, strict: true);
        // The owner keeps the rest, except the passports, which the owner's keys hold.
        var rest = new StateDict();
        foreach (var (name, value) in source)
            if (!used.Contains(name) && !IsPassport(model, name)) rest.Add(name, value);
        return (check.StateDict(), description, new PrivateState(rest, folded));
    }

    /// <summary>The plain architecture the deployment package loads into.</summary>
    public static ModelDescription Describe(PassportModel model) =>
        new(model.Arch, model.Norm, model.NumClasses, InstanceAffine: model.Norm == NormType.In);

    /// <summary>
    /// Loads a (suspect) deployment package into the owner's passport model: conv weights and deployment-norm
    /// statistics into every passport layer, the plain affine into the public affine, other layers by name; the private
    /// branch from <paramref name="owner"/>. The passports stay the model's.
    /// </summary>
    public static void LoadPlain(PassportModel model, StateDict plain, PrivateState owner, string source)
    {
        var state = new StateDict();
        foreach (var (name, value) in owner.Entries) state.Add(name, value);
        foreach (var (name, value) in plain)
            if (LayerOf(model, name) is null) Put(state, name, value);
        foreach (var (path, layer) in model.PassportLayers)
        {
            var weight = Get(plain, $"{path}.conv.weight", source).Clone();
            var (normName, norm) = layer.DeploymentNorm;
            var names = layer.PublicAffineNames;
            if (norm is null)
            {
                var scale = owner.FoldedScales.TryGetValue(path, out var s) ? s
                    : throw new InvalidDataException($"{source}: the owner keeps no folded scale for layer '{path}' (norm none).");
                ScaleRows(weight, scale, divide: true);
                if (names is { } n) { Put(state, $"{path}.{n.Scale}", scale); Put(state, $"{path}.{n.Bias}", Get(plain, $"{path}.conv.bias", source)); }
            }
            else
            {
                foreach (var (name, value) in plain)
                    if (name.StartsWith($"{path}.bn.", StringComparison.Ordinal) && name != $"{path}.bn.weight" && name != $"{path}.bn.bias")
                        Put(state, $"{path}.{normName}.{name[(path.Length + 4)..]}", value);
                if (names is { } n) { Put(state, $"{path}.{n.Scale}", Get(plain, $"{path}.bn.weight", source)); Put(state, $"{path}.{n.Bias}", Get(plain, $"{path}.bn.bias", source)); }
            }
            Put(state, $"{path}.conv.weight", weight);
            // The layer's own buffers are its passports: they stay the owner's.
            foreach (var (name, buffer) in layer.NamedBuffers())
                if (!name.Contains('.')) Put(state, $"{path}.{name}", buffer.Clone());
        }
        try { model.Network.LoadStateDict(state, strict: true); }
        catch (StateDictException e) { throw new InvalidDataException($"{source} does not fit the owner's {model.Arch} (norm {model.Norm.ToOptionString()}): {e.Message}", e); }
    }

    private static void Put(StateDict state, string name, StateValue value)
    {
        state.Remove(name);
        state.Add(name, value);
    }

    private static string? LayerOf(PassportModel model, string name) =>
        model.PassportPaths.FirstOrDefault(p => name.StartsWith(p + ".", StringComparison.Ordinal));

    private static bool IsPassport(PassportModel model, string name) =>
        LayerOf(model, name) is { } path && !name[(path.Length + 1)..].Contains('.') && name[(path.Length + 1)..] is var local
        && (local.StartsWith("key", StringComparison.Ordinal) || local.StartsWith("skey", StringComparison.Ordinal));

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
