using System.Globalization;
using DeepPassport.Training;

namespace DeepPassport.Models;

/// <summary>
/// What a saved model is: its architecture, normalisation and class count (kept in the file's metadata), and
/// whether its instance norms carry an affine part (the deployment of a passport model with norm `in`).
/// </summary>
public sealed record ModelDescription(string Arch, NormType Norm, int NumClasses, bool InstanceAffine = false)
{
    public Dictionary<string, string> Metadata()
    {
        var m = new Dictionary<string, string>
        {
            ["format"] = "deeppassport-model",
            ["arch"] = Arch,
            ["norm"] = Norm.ToOptionString(),
            ["num_classes"] = NumClasses.ToString(CultureInfo.InvariantCulture),
        };
        if (InstanceAffine) m["instance_norm_affine"] = "true";
        return m;
    }

    /// <summary>A plain model of this description, initialised from <paramref name="seed"/>.</summary>
    public Engine.Nn.Module CreateModel(ulong seed = 0) => ModelFactory.Create(Arch, NumClasses, Norm, seed, InstanceAffine);

    public Dictionary<string, string> Settings(TrainOptions o)
    {
        var s = Metadata();
        s.Remove("format");
        s["epochs"] = o.Epochs.ToString(CultureInfo.InvariantCulture);
        s["batch_size"] = o.BatchSize.ToString(CultureInfo.InvariantCulture);
        s["lr"] = o.LearningRate.ToString(CultureInfo.InvariantCulture);
        s["momentum"] = o.Momentum.ToString(CultureInfo.InvariantCulture);
        s["weight_decay"] = o.WeightDecay.ToString(CultureInfo.InvariantCulture);
        s["milestones"] = string.Join(",", o.Milestones);
        return s;
    }
}
