using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;
using DeepPassport.Passports;

namespace DeepPassport.Schemes;

/// <summary>
/// A DeepIPR passport layer (reference-spec §2.1-2.2): conv W (no bias), a normalisation without affine, then
/// <list type="bullet">
/// <item>passport branch: y = ReLU(gamma * Norm(W * x) + beta) with gamma = GAP(W * P_gamma), beta = GAP(W * P_beta);</item>
/// <item>public branch (scheme V2/V3 only): y = ReLU(scale * Norm(W * x) + bias) with learned scale (init 1) and bias (init 0).</item>
/// </list>
/// Scheme V1 has only the passport branch, so its passports are needed at inference. The signature b is pushed
/// into sign(gamma) by the sign loss on <see cref="PassportScale"/>.
/// </summary>
public sealed class DeepIprPassportBlock : Module
{
    private readonly BranchSwitch _branch;

    public DeepIprPassportBlock(int inChannels, int outChannels, int kernelSize, int stride, int padding, NormType norm, bool relu,
        Signature signature, Tensor passportBeta, Tensor passportGamma, bool publicBranch, BranchSwitch branch, Rng rng)
    {
        if (signature.Length != outChannels) throw new ArgumentException($"Signature of {signature.Length} bits for a layer of {outChannels} channels.");
        foreach (var p in new[] { passportBeta, passportGamma })
            if (p.Rank != 4 || p.Shape[1] != inChannels)
                throw new ArgumentException($"Passport {p.ShapeString} does not fit a conv with {inChannels} input channels (need [n, {inChannels}, H, W]).");
        _branch = branch;
        Signature = signature;
        ApplyRelu = relu;
        Conv = RegisterModule("conv", new Conv2d(inChannels, outChannels, kernelSize, rng, stride, padding, bias: false));
        Init.KaimingNormal(Conv.Weight, rng, FanMode.FanOut, Nonlinearity.Relu);
        if (NormLayers.Create(norm, outChannels, affine: false) is { } n) Norm = RegisterModule("bn", n);
        if (publicBranch)
        {
            Scale = RegisterParameter("scale", new Parameter(Tensor.Ones(outChannels)));
            Bias = RegisterParameter("bias", new Parameter(Tensor.Zeros(outChannels)));
        }
        // The original code's buffer names: key = P_beta, skey = P_gamma (with a _private suffix in two-branch models).
        string suffix = publicBranch ? "_private" : "";
        PassportBeta = passportBeta;
        PassportGamma = passportGamma;
        RegisterBuffer("key" + suffix, passportBeta);
        RegisterBuffer("skey" + suffix, passportGamma);
    }

    public Conv2d Conv { get; }
    public Module? Norm { get; }
    public Parameter? Scale { get; }
    public Parameter? Bias { get; }
    public Tensor PassportBeta { get; }
    public Tensor PassportGamma { get; }
    public Signature Signature { get; }
    public bool ApplyRelu { get; }

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

    /// <summary>gamma = GAP(W * P_gamma), averaged over the passport batch too: the scale whose signs carry the signature.</summary>
    public Tensor PassportScale() => PassportAffine(PassportGamma);

    /// <summary>beta = GAP(W * P_beta).</summary>
    public Tensor PassportBias() => PassportAffine(PassportBeta);

    private Tensor PassportAffine(Tensor passport)
    {
        var z = F.Conv2d(passport, Conv.Weight.Value, null, Conv.Stride, Conv.Padding);   // [n, C, H', W']
        return F.AdaptiveAvgPool2d1x1(z).Mean(0).Reshape(z.Shape[1]);
    }

    public override Tensor Forward(Tensor input)
    {
        var h = Conv.Forward(input);
        if (Norm is not null) h = Norm.Forward(h);
        bool passport = Scale is null || _branch.Current == Branch.Verification;
        var y = passport ? F.ChannelAffine(h, PassportScale(), PassportBias()) : F.ChannelAffine(h, Scale!.Value, Bias!.Value);
        return ApplyRelu ? y.Relu() : y;
    }
}
