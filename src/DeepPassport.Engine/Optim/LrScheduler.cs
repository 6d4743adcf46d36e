namespace DeepPassport.Engine.Optim;

/// <summary>
/// Base of learning-rate schedules (<c>torch.optim.lr_scheduler</c>): construct it after the optimiser, call
/// <see cref="Step"/> once at the end of each epoch.
/// </summary>
public abstract class LrScheduler
{
    /// <summary>Binds the schedule to <paramref name="optimizer"/> and records its current rate as the base rate.</summary>
    protected LrScheduler(Optimizer optimizer)
    {
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        BaseLearningRate = optimizer.LearningRate;
    }

    /// <summary>The optimiser whose rate is scheduled.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The learning rate at construction.</summary>
    public float BaseLearningRate { get; }

    /// <summary>The number of <see cref="Step"/> calls so far (PyTorch's <c>last_epoch</c>, starting at 0).</summary>
    public int LastEpoch { get; private set; }

    /// <summary>Advances one epoch and sets the optimiser's learning rate for the next one.</summary>
    public void Step()
    {
        LastEpoch++;
        Optimizer.LearningRate = NextLearningRate(LastEpoch, Optimizer.LearningRate);
    }

    /// <summary>The rate for epoch <paramref name="epoch"/>, given the rate in use until now.</summary>
    protected abstract float NextLearningRate(int epoch, float current);
}
