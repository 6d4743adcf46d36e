using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;
using DeepPassport.Passports;

namespace DeepPassport.Schemes;

/// <summary>
/// A DeepIPR passport layer (reference-spec §2.1-2.2): conv W (no bias), one normalisation without affine, then
/// <list type="bullet">
/// <item>passport branch: y = ReLU(gamma * Norm(W * x) + beta) with gamma = GAP(W * P_gamma), beta = GAP(W * P_beta);</item>
/// <item>public branch (scheme V2/V3 only): y = ReLU(scale * Norm(W * x) + bias) with learned scale (init 1) and bias (init 0).</item>
/// </list>
/// Scheme V1 has only the passport branch, so its passports are needed at inference. The signature b is pushed
/// into sign(gamma) by the sign loss. Both branches share the norm (and, for bn, its running statistics).
/// </summary>
public sealed class DeepIprPassportBlock : PassportLayer
{
    public DeepIprPassportBlock(int inChannels, int outChannels, int kernelSize, int stride, int padding, NormType norm, bool relu,
        Signature signature, Tensor passportBeta, Tensor passportGamma, bool publicBranch, BranchSwitch branch, Rng rng)
        : base(inChannels, outChannels, kernelSize, stride, padding, relu, signature, passportBeta, passportGamma,
            publicBranch ? "_private" : "", branch, rng)   // key = P_beta, skey = P_gamma; _private in two-branch models
    {
        if (NormLayers.Create(norm, outChannels, affine: false) is { } n) Norm = RegisterModule("bn", n);
        if (publicBranch)
        {
            Scale = RegisterParameter("scale", new Parameter(Tensor.Ones(outChannels)));
            Bias = RegisterParameter("bias", new Parameter(Tensor.Zeros(outChannels)));
        }
    }

    public Module? Norm { get; }
    public Parameter? Scale { get; }
    public Parameter? Bias { get; }

    public override (string Name, Module? Norm) DeploymentNorm => ("bn", Norm);
    public override (string Scale, string Bias)? PublicAffineNames => Scale is null ? null : ("scale", "bias");

    public override (Tensor Scale, Tensor Bias) DeploymentAffine() =>
        Scale is null ? (PassportScale(), PassportBias()) : (Scale.Value, Bias!.Value);

    public override Tensor SignScale() => PassportScale();

    public override Tensor Forward(Tensor input)
    {
        var h = Conv.Forward(input);
        if (Norm is not null) h = Norm.Forward(h);
        bool passport = Scale is null || Branch.Current == Schemes.Branch.Verification;
        return Finish(passport ? F.ChannelAffine(h, PassportScale(), PassportBias()) : F.ChannelAffine(h, Scale!.Value, Bias!.Value));
    }
}
