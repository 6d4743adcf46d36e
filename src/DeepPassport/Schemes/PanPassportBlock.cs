using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;
using DeepPassport.Passports;

namespace DeepPassport.Schemes;

/// <summary>
/// A Passport-aware Normalization layer (reference-spec §3.1): conv W, then
/// <list type="bullet">
/// <item>deployment (passport-free) branch: y = ReLU(gamma0 * BN0(W * x) + beta0), learned gamma0 (1), beta0 (0);</item>
/// <item>verification (passport-aware) branch: s = GAP(W * P_gamma), gamma1 = F(s), beta1 = F(GAP(W * P_beta)),
/// y = ReLU(gamma1 * BN1(W * x) + beta1), with one MLP F shared by gamma and beta.</item>
/// </list>
/// With batch norm each branch has its own statistics (bn0, bn1) — the fix for DeepIPR V2's shared statistics; gn/in
/// have no running statistics and share one norm (<c>bn</c>). The signature lives in the pre-MLP s.
/// </summary>
public sealed class PanPassportBlock : PassportLayer
{
    public PanPassportBlock(int inChannels, int outChannels, int kernelSize, int stride, int padding, NormType norm, bool relu,
        Signature signature, Tensor passportBeta, Tensor passportGamma, BranchSwitch branch, Rng rng)
        : base(inChannels, outChannels, kernelSize, stride, padding, relu, signature, passportBeta, passportGamma, "_private", branch, rng)
    {
        if (norm == NormType.Bn)
        {
            Norm0 = RegisterModule("bn0", NormLayers.Create(norm, outChannels, affine: false)!);
            Norm1 = RegisterModule("bn1", NormLayers.Create(norm, outChannels, affine: false)!);
            NormName = "bn0";
        }
        else if (NormLayers.Create(norm, outChannels, affine: false) is { } shared)
            Norm0 = Norm1 = RegisterModule(NormName = "bn", shared);
        Scale = RegisterParameter("scale", new Parameter(Tensor.Ones(outChannels)));
        Bias = RegisterParameter("bias", new Parameter(Tensor.Zeros(outChannels)));
        Mlp = RegisterModule("fc", new PassportMlp(outChannels, rng));
    }

    private string NormName { get; } = "bn";
    public Module? Norm0 { get; }
    public Module? Norm1 { get; }
    public Parameter Scale { get; }
    public Parameter Bias { get; }
    public PassportMlp Mlp { get; }

    public override (string Name, Module? Norm) DeploymentNorm => (NormName, Norm0);
    public override Module? VerificationNorm => ReferenceEquals(Norm1, Norm0) ? null : Norm1;
    public override (string Scale, string Bias)? PublicAffineNames => ("scale", "bias");
    public override (Tensor Scale, Tensor Bias) DeploymentAffine() => (Scale.Value, Bias.Value);
    public override Tensor SignScale() => PassportScale();

    public override Tensor Forward(Tensor input)
    {
        var h = Conv.Forward(input);
        if (Branch.Current == Schemes.Branch.Deployment)
            return Finish(F.ChannelAffine(Norm0?.Forward(h) ?? h, Scale.Value, Bias.Value));
        return Finish(F.ChannelAffine(Norm1?.Forward(h) ?? h, Mlp.Forward(PassportScale()), Mlp.Forward(PassportBias())));
    }
}
