namespace DeepPassport.Engine.Optim;

/// <summary>
/// Multiplies the learning rate by γ each time the epoch count reaches a milestone (<c>MultiStepLR</c>);
/// a milestone listed k times multiplies by γ^k. With an untouched optimiser, lr = base · γ^(milestones ≤ epoch).
/// </summary>
public sealed class MultiStepLR : LrScheduler
{
    private readonly int[] _milestones;

    /// <summary>Creates the schedule.</summary>
    public MultiStepLR(Optimizer optimizer, IEnumerable<int> milestones, float gamma = 0.1f) : base(optimizer)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        _milestones = milestones.Order().ToArray();
        if (_milestones.Length > 0 && _milestones[0] <= 0) throw new ArgumentOutOfRangeException(nameof(milestones), "Milestones must be positive epoch numbers.");
        if (!(gamma > 0f)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be positive.");
        Gamma = gamma;
    }

    /// <summary>The sorted milestones.</summary>
    public IReadOnlyList<int> Milestones => _milestones;

    /// <summary>The decay factor.</summary>
    public float Gamma { get; }

    /// <inheritdoc/>
    protected override float NextLearningRate(int epoch, float current)
    {
        int hits = _milestones.Count(m => m == epoch);
        return hits == 0 ? current : current * MathF.Pow(Gamma, hits);
    }
}
