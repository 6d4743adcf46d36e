using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Passports;

namespace DeepPassport.Schemes;

/// <summary>
/// What every passport layer shares (DeepIPR, PAN, SP): the conv W (no bias, Kaiming normal), the passports
/// P_beta and P_gamma (buffers <c>key…</c> / <c>skey…</c>, the originals' names), the signature b, and the
/// passport-derived pooled responses GAP(W * P). Subclasses add their norms, affines and branches, say which value
/// carries the signature, and say how their deployment branch maps onto a plain conv block.
/// </summary>
public abstract class PassportLayer : Module
{
    protected PassportLayer(int inChannels, int outChannels, int kernelSize, int stride, int padding, bool relu,
        Signature signature, Tensor passportBeta, Tensor passportGamma, string passportSuffix, BranchSwitch branch, Rng rng)
    {
        if (signature.Length != outChannels) throw new ArgumentException($"Signature of {signature.Length} bits for a layer of {outChannels} channels.");
        foreach (var p in new[] { passportBeta, passportGamma })
            if (p.Rank != 4 || p.Shape[1] != inChannels)
                throw new ArgumentException($"Passport {p.ShapeString} does not fit a conv with {inChannels} input channels (need [n, {inChannels}, H, W]).");
        Branch = branch;
        Signature = signature;
        ApplyRelu = relu;
        Conv = RegisterModule("conv", new Conv2d(inChannels, outChannels, kernelSize, rng, stride, padding, bias: false));
        Init.KaimingNormal(Conv.Weight, rng, FanMode.FanOut, Nonlinearity.Relu);
        PassportBeta = passportBeta;
        PassportGamma = passportGamma;
        RegisterBuffer("key" + passportSuffix, passportBeta);
        RegisterBuffer("skey" + passportSuffix, passportGamma);
    }

    protected BranchSwitch Branch { get; }
    public Conv2d Conv { get; }
    public Tensor PassportBeta { get; }
    public Tensor PassportGamma { get; }
    public Signature Signature { get; }
    public bool ApplyRelu { get; }

    /// <summary>The norm of the deployment branch (null without one) and its child name.</summary>
    public abstract (string Name, Module? Norm) DeploymentNorm { get; }

    /// <summary>The deployment branch's learned affine (scale, bias) parameter names, or null when it has none (V1).</summary>
    public abstract (string Scale, string Bias)? PublicAffineNames { get; }

    /// <summary>
    /// The affine (s, t) of y = ReLU?(s * Norm(W * x) + t) that the deployed plain block computes: the public
    /// parameters, or for V1 the passport-derived ones.
    /// </summary>
    public abstract (Tensor Scale, Tensor Bias) DeploymentAffine();

    /// <summary>The value whose signs carry the signature (DeepIPR: gamma; PAN: GAP(W * P_gamma); SP: GAP(W * P_gamma) * gamma_t).</summary>
    public abstract Tensor SignScale();

    /// <summary>The norm only the verification branch uses (PAN and SP with batch norm: bn1), or null.</summary>
    public virtual Module? VerificationNorm => null;

    /// <summary>A loss tying the branches together (SP's balance loss); null when the scheme has none.</summary>
    public virtual Tensor? BalanceLoss() => null;

    /// <summary>GAP(W * P_gamma), averaged over the passport batch too.</summary>
    public Tensor PassportScale() => PooledResponse(PassportGamma);

    /// <summary>GAP(W * P_beta).</summary>
    public Tensor PassportBias() => PooledResponse(PassportBeta);

    private Tensor PooledResponse(Tensor passport)
    {
        var z = F.Conv2d(passport, Conv.Weight.Value, null, Conv.Stride, Conv.Padding);   // [n, C, H', W']
        return F.AdaptiveAvgPool2d1x1(z).Mean(0).Reshape(z.Shape[1]);
    }

    /// <summary>Replaces the passports in place (same shapes): the owner's genuine ones, or forged/random ones for a baseline.</summary>
    public void SetPassports(Tensor beta, Tensor gamma)
    {
        foreach (var (src, dst) in new[] { (beta, PassportBeta), (gamma, PassportGamma) })
        {
            if (!src.Shape.AsSpan().SequenceEqual(dst.Shape))
                throw new ArgumentException($"Passport {src.ShapeString} does not replace one of shape {dst.ShapeString}.");
            src.Data.AsSpan().CopyTo(dst.Data);
        }
    }

    protected Tensor Finish(Tensor y) => ApplyRelu ? y.Relu() : y;
}
