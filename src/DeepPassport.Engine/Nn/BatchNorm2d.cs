using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Nn;

/// <summary>
/// Batch normalisation over (N, H, W) per channel (<c>nn.BatchNorm2d</c> with running statistics tracked):
/// <c>weight</c> (γ = 1) and <c>bias</c> (β = 0) when affine, buffers <c>running_mean</c> (0), <c>running_var</c> (1)
/// and <c>num_batches_tracked</c>. Training mode normalises by batch statistics and updates the running ones;
/// evaluation mode uses the running ones.
/// </summary>
public sealed class BatchNorm2d : Module
{
    /// <summary>Creates the layer for <paramref name="numFeatures"/> channels.</summary>
    public BatchNorm2d(int numFeatures, float eps = 1e-5f, float momentum = 0.1f, bool affine = true)
    {
        NumFeatures = Check.Positive(numFeatures);
        Eps = Check.PositiveFloat(eps);
        Momentum = momentum is >= 0f and <= 1f ? momentum : throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be in [0, 1].");
        if (affine)
        {
            Weight = RegisterParameter("weight", new Parameter(Tensor.Ones(numFeatures)));
            Bias = RegisterParameter("bias", new Parameter(numFeatures));
        }
        RunningMean = RegisterBuffer("running_mean", Tensor.Zeros(numFeatures));
        RunningVar = RegisterBuffer("running_var", Tensor.Ones(numFeatures));
        NumBatchesTracked = RegisterBuffer("num_batches_tracked", new Int64Buffer());
    }

    /// <summary>Channels.</summary>
    public int NumFeatures { get; }

    /// <summary>Added to the variance for numerical stability.</summary>
    public float Eps { get; }

    /// <summary>running = (1 - momentum) * running + momentum * batch statistic; null is a cumulative average
    /// (momentum 1 / batches tracked), as PyTorch's <c>momentum=None</c>.</summary>
    public float? Momentum
    {
        get => _momentum;
        set => _momentum = value is null or (>= 0f and <= 1f) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "momentum must be in [0, 1] or null.");
    }
    private float? _momentum;

    /// <summary>Running mean 0, variance 1, no batches tracked: the state before training.</summary>
    public void ResetRunningStats()
    {
        RunningMean.Data.AsSpan().Clear();
        RunningVar.Data.AsSpan().Fill(1f);
        NumBatchesTracked.Value = 0;
    }

    /// <summary>γ [C], or null when not affine.</summary>
    public Parameter? Weight { get; }

    /// <summary>β [C], or null when not affine.</summary>
    public Parameter? Bias { get; }

    /// <summary>Running mean [C].</summary>
    public Tensor RunningMean { get; }

    /// <summary>Running (unbiased) variance [C].</summary>
    public Tensor RunningVar { get; }

    /// <summary>Training batches seen.</summary>
    public Int64Buffer NumBatchesTracked { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        float momentum = Track();
        return F.BatchNorm2d(input, Weight?.Value, Bias?.Value, RunningMean, RunningVar, IsTraining, momentum, Eps);
    }

    /// <summary>ReLU(Forward(input)) in one pass (<see cref="F.BatchNormRelu2d"/>): for a block that ends in a ReLU.</summary>
    public Tensor ForwardRelu(Tensor input)
    {
        float momentum = Track();
        return F.BatchNormRelu2d(input, Weight?.Value, Bias?.Value, RunningMean, RunningVar, IsTraining, momentum, Eps);
    }

    /// <summary>Counts a training batch; the momentum of this one.</summary>
    private float Track()
    {
        if (IsTraining) NumBatchesTracked.Value++;
        return Momentum ?? 1f / Math.Max(1, NumBatchesTracked.Value);
    }
}
