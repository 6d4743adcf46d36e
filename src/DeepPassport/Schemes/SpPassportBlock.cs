using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;
using DeepPassport.Passports;

namespace DeepPassport.Schemes;

/// <summary>
/// A Steganographic Passport layer with activation-level obfuscation (reference-spec §4.5): conv W, then
/// <list type="bullet">
/// <item>deployment branch: y = ReLU(gamma * BN0(W * x) + beta) — an ordinary conv-BN-ReLU, all a licensee gets;</item>
/// <item>verification branch: x~ = BN1(W * x), x_t = gamma_t * x~ + beta_t, x_p = gamma_p * x_t + beta_p, y = ReLU(x_p),
/// with gamma_p = T(GAP(W * P_gamma)), beta_p = T(GAP(W * P_beta)) from one two-layer perceptron T.</item>
/// </list>
/// The passport acts on the activation the normal affine produced. The signature lives in GAP(W * P_gamma) * gamma_t;
/// the balance loss L1(gamma, gamma_t gamma_p) + L1(beta, beta_t gamma_p + beta_p) ties the branches together.
/// Each branch has its own norm (bn0/bn1; for gn and in a pair without running statistics).
/// </summary>
public sealed class SpPassportBlock : PassportLayer
{
    public SpPassportBlock(int inChannels, int outChannels, int kernelSize, int stride, int padding, NormType norm, bool relu,
        Signature signature, Tensor passportBeta, Tensor passportGamma, BranchSwitch branch, Rng rng)
        : base(inChannels, outChannels, kernelSize, stride, padding, relu, signature, passportBeta, passportGamma, "_private", branch, rng)
    {
        if (NormLayers.Create(norm, outChannels, affine: false) is { } n0)
        {
            Norm0 = RegisterModule("bn0", n0);
            Norm1 = RegisterModule("bn1", NormLayers.Create(norm, outChannels, affine: false)!);
        }
        Gamma = RegisterParameter("scale0", new Parameter(Tensor.Ones(outChannels)));
        Beta = RegisterParameter("bias0", new Parameter(Tensor.Zeros(outChannels)));
        GammaT = RegisterParameter("scale1", new Parameter(Tensor.Ones(outChannels)));
        BetaT = RegisterParameter("bias1", new Parameter(Tensor.Zeros(outChannels)));
        Tlp = RegisterModule("fc", new PassportMlp(outChannels, rng));
    }

    public Module? Norm0 { get; }
    public Module? Norm1 { get; }
    /// <summary>The deployment affine gamma, beta (the originals' scale0, bias0).</summary>
    public Parameter Gamma { get; }
    public Parameter Beta { get; }
    /// <summary>The transition affine gamma_t, beta_t of the verification branch (scale1, bias1).</summary>
    public Parameter GammaT { get; }
    public Parameter BetaT { get; }
    public PassportMlp Tlp { get; }

    public override (string Name, Module? Norm) DeploymentNorm => ("bn0", Norm0);
    public override Module? VerificationNorm => Norm1;
    public override (string Scale, string Bias)? PublicAffineNames => ("scale0", "bias0");
    public override (Tensor Scale, Tensor Bias) DeploymentAffine() => (Gamma.Value, Beta.Value);
    public override Tensor SignScale() => PassportScale() * GammaT.Value;

    /// <summary>
    /// gamma_t_i = b_i · sign(GAP(W * P_gamma)_i), so that the signature's signs hold from the first step. From gamma_t = 1
    /// (the released code) about half the bits start wrong: the sign loss starts near 30 against a cross-entropy of 2.3,
    /// and its first steps shake the conv weights the deployment branch shares (measured: deployment cross-entropy 5-9 in
    /// the first 40 batches of AlexNet).
    /// </summary>
    public void StartTransitionAtSignature()
    {
        using var _ = NoGrad.Scope();
        var s = PassportScale().Data;
        for (int i = 0; i < s.Length; i++) GammaT.Value.Data[i] = Signature[i] * (s[i] < 0 ? -1f : 1f);
    }

    /// <summary>mean|gamma - gamma_t gamma_p| + mean|beta - (beta_t gamma_p + beta_p)|.</summary>
    public override Tensor? BalanceLoss()
    {
        var (gammaP, betaP) = (Tlp.Forward(PassportScale()), Tlp.Forward(PassportBias()));
        return F.L1Loss(Gamma.Value, GammaT.Value * gammaP) + F.L1Loss(Beta.Value, BetaT.Value * gammaP + betaP);
    }

    public override Tensor Forward(Tensor input)
    {
        var h = Conv.Forward(input);
        if (Branch.Current == Schemes.Branch.Deployment)
            return Finish(F.ChannelAffine(Norm0?.Forward(h) ?? h, Gamma.Value, Beta.Value));
        var xt = F.ChannelAffine(Norm1?.Forward(h) ?? h, GammaT.Value, BetaT.Value);
        return Finish(F.ChannelAffine(xt, Tlp.Forward(PassportScale()), Tlp.Forward(PassportBias())));
    }
}
