using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Schemes;

/// <summary>
/// What the one trainer sees of any model: its network (parameters, train/eval mode, state), the branches it trains
/// and evaluates, a forward per branch, and the sum of its sign losses (none for a plain model).
/// </summary>
public interface IBranchedModel
{
    Module Network { get; }

    /// <summary>The branches trained together and evaluated each epoch (a plain model and V1 have one).</summary>
    IReadOnlyList<Branch> Branches { get; }

    Tensor Forward(Tensor x, Branch branch);

    /// <summary>The summed sign loss of every passport layer, or null when the model has no passport layer.</summary>
    Tensor? SignLoss();

    /// <summary>The weighted balance loss tying the branches together (SP), or null.</summary>
    Tensor? BalanceLoss();

    /// <summary>Per passport layer, the fraction of signature bits the current weights carry (empty for a plain model).</summary>
    IReadOnlyList<(string Path, double Detection)> SignatureDetection();

    /// <summary>The batch norms only the verification branch uses (PAN and SP's bn1), whose statistics the trainer re-estimates.</summary>
    IReadOnlyList<BatchNorm2d> VerificationNorms() => [];
}

/// <summary>A plain classifier seen as a model with one (deployment) branch and no signature.</summary>
public sealed class PlainModel(Module network) : IBranchedModel
{
    public Module Network { get; } = network;
    public IReadOnlyList<Branch> Branches { get; } = [Branch.Deployment];
    public Tensor Forward(Tensor x, Branch branch) => Network.Forward(x);
    public Tensor? SignLoss() => null;
    public Tensor? BalanceLoss() => null;
    public IReadOnlyList<(string Path, double Detection)> SignatureDetection() => [];
}
