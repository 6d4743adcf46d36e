namespace DeepPassport.Training;

/// <summary>
/// The papers' classification recipe (reference-spec §8.2): SGD lr 0.01, momentum 0.9, weight decay 5e-4,
/// batch 64, learning rate x0.1 at each milestone epoch.
/// </summary>
public sealed record TrainOptions
{
    public int Epochs { get; init; } = 5;
    public int BatchSize { get; init; } = 64;
    public float LearningRate { get; init; } = 0.01f;
    public float Momentum { get; init; } = 0.9f;
    public float WeightDecay { get; init; } = 5e-4f;
    public IReadOnlyList<int> Milestones { get; init; } = [];
    public float Gamma { get; init; } = 0.1f;
    public ulong Seed { get; init; }
    /// <summary>Batch size for evaluation (the papers use twice the training batch).</summary>
    public int EvalBatchSize { get; init; } = 128;

    /// <summary>Training batches over which the verification branch's own batch-norm statistics are re-estimated after
    /// each epoch (PAN/SP bn1; see <see cref="Trainer"/>); 0 keeps the running averages as training left them.</summary>
    public int RecalibrationBatches { get; init; } = 100;
}

/// <summary>
/// What one epoch achieved; one line of metrics.jsonl. <see cref="TestAccuracy"/> is the mean over the trained
/// branches (the best-checkpoint criterion); the branch values, the mean signature detection and the deployment
/// branch's trigger-set accuracy are set when they exist.
/// </summary>
public sealed record EpochMetrics(int Epoch, double Loss, double TrainAccuracy, double TestAccuracy, double Seconds, double LearningRate)
{
    public double? DeploymentAccuracy { get; init; }
    public double? VerificationAccuracy { get; init; }
    public double? SignatureDetection { get; init; }
    public double? TriggerAccuracy { get; init; }

    /// <summary>
    /// The epoch's mean of each term of the training loss, by name: <c>ce_deployment</c>, <c>ce_verification</c>
    /// (one per branch), <c>sign</c> and <c>balance</c> when the scheme has them. <see cref="Loss"/> is their sum.
    /// </summary>
    public IReadOnlyDictionary<string, double>? LossTerms { get; init; }
}

/// <summary>Progress inside an epoch, for a progress bar: the training pass ("train") or the evaluation ("test"). Batch 0 announces a phase.</summary>
public sealed record TrainProgress(string Phase, int Epoch, int Epochs, int Batch, int Batches, double Loss, double Accuracy);
