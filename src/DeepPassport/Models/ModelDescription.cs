using System.Globalization;
using DeepPassport.Training;

namespace DeepPassport.Models;

/// <summary>What a saved model is: its architecture, normalisation and class count (kept in the file's metadata).</summary>
public sealed record ModelDescription(string Arch, NormType Norm, int NumClasses)
{
    public Dictionary<string, string> Metadata() => new()
    {
        ["format"] = "deeppassport-model",
        ["arch"] = Arch,
        ["norm"] = Norm.ToOptionString(),
        ["num_classes"] = NumClasses.ToString(CultureInfo.InvariantCulture),
    };

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
