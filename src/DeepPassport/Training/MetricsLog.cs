using System.Text.Json;

namespace DeepPassport.Training;

/// <summary>metrics.jsonl: one JSON object per epoch, appended and flushed as each epoch ends.</summary>
public sealed class MetricsLog(string path)
{
    public string Path { get; } = path;

    public void Append(EpochMetrics m)
    {
        var line = JsonSerializer.Serialize(new
        {
            epoch = m.Epoch,
            loss = Math.Round(m.Loss, 6),
            train_accuracy = Math.Round(m.TrainAccuracy, 6),
            test_accuracy = Math.Round(m.TestAccuracy, 6),
            seconds = Math.Round(m.Seconds, 3),
            lr = Math.Round(m.LearningRate, 8),
            deployment_accuracy = Round(m.DeploymentAccuracy),
            verification_accuracy = Round(m.VerificationAccuracy),
            signature_detection = Round(m.SignatureDetection),
            trigger_accuracy = Round(m.TriggerAccuracy),
            loss_terms = m.LossTerms?.ToDictionary(t => t.Key, t => Math.Round(t.Value, 6)),
        }, Options);
        File.AppendAllText(Path, line + "\n");
    }

    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private static double? Round(double? x) => x is { } v ? Math.Round(v, 6) : null;
}
