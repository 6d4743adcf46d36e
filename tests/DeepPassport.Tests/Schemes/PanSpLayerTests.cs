using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Optim;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;
using DeepPassport.Passports;
using DeepPassport.Schemes;

namespace DeepPassport.Tests.Schemes;

public class PanSpLayerTests
{
    private static (T Layer, BranchSwitch Switch) Make<T>(Func<BranchSwitch, Rng, T> make) where T : PassportLayer
    {
        var sw = new BranchSwitch();
        var layer = make(sw, new Rng(3));
        foreach (var p in layer.Parameters())
            if (p.Value.Rank == 1) { var r = new Rng(9); foreach (ref float v in p.Value.Data.AsSpan()) v += 0.5f * (float)r.NextNormal(); }
        return (layer, sw);
    }

    private static Signature Sig(int n) => Signature.Random(n, new Rng(1));
    private static Tensor P(int seed) => Tensor.Rand(new Rng((ulong)seed), -1, 1, 1, 3, 6, 6);

    [Fact]
    public void SpVerificationBranchObfuscatesTheActivationAndItsLossesFollowTheFormulas()
    {
        var (sp, sw) = Make((sw, rng) => new SpPassportBlock(3, 8, 3, 1, 1, NormType.Gn, relu: true, Sig(8), P(1), P(2), sw, rng));
        var x = Tensor.Randn(new Rng(4), 2, 3, 6, 6);
        using var _ = NoGrad.Scope();
        var h = sp.Norm1!.Forward(sp.Conv.Forward(x));
        var gammaP = sp.Tlp.Forward(sp.PassportScale()).Data;
        var betaP = sp.Tlp.Forward(sp.PassportBias()).Data;
        sw.Current = Branch.Verification;
        var y = sp.Forward(x);
        int plane = 36;
        for (int i = 0; i < y.Size; i++)
        {
            int c = i / plane % 8;
            float xt = sp.GammaT.Value.Data[c] * h.Data[i] + sp.BetaT.Value.Data[c];
            Assert.Equal(MathF.Max(0, gammaP[c] * xt + betaP[c]), y.Data[i], 1e-4f);
        }
        // The signature sits in GAP(W * P_gamma) * gamma_t.
        var s = sp.PassportScale().Data;
        Assert.Equal(s.Select((v, c) => v * sp.GammaT.Value.Data[c]), sp.SignScale().Data);
        // Balance: mean|gamma - gamma_t gamma_p| + mean|beta - (beta_t gamma_p + beta_p)|.
        double expected = Enumerable.Range(0, 8).Average(c => Math.Abs(sp.Gamma.Value.Data[c] - sp.GammaT.Value.Data[c] * gammaP[c]))
            + Enumerable.Range(0, 8).Average(c => Math.Abs(sp.Beta.Value.Data[c] - (sp.BetaT.Value.Data[c] * gammaP[c] + betaP[c])));
        Assert.Equal(expected, sp.BalanceLoss()!.Item(), 1e-5);
        // The deployment branch is a plain conv-norm-affine-ReLU.
        sw.Current = Branch.Deployment;
        var d = sp.Forward(x);
        var h0 = sp.Norm0!.Forward(sp.Conv.Forward(x));
        for (int i = 0; i < d.Size; i++)
        {
            int c = i / plane % 8;
            Assert.Equal(MathF.Max(0, sp.Gamma.Value.Data[c] * h0.Data[i] + sp.Beta.Value.Data[c]), d.Data[i], 1e-4f);
        }
    }

    [Fact]
    public void SpGammaTStartedAtTheSignatureCarriesEveryBitFromTheFirstStep()
    {
        var sw = new BranchSwitch();
        var sig = Sig(16);
        var sp = new SpPassportBlock(3, 16, 3, 1, 1, NormType.Bn, relu: true, sig, P(1), P(2), sw, new Rng(3));
        Assert.All(sp.GammaT.Value.Data, v => Assert.Equal(1f, v));   // the released code's start
        sp.StartTransitionAtSignature();
        var s = sp.PassportScale().Data;
        for (int c = 0; c < 16; c++)
        {
            Assert.Equal(1f, MathF.Abs(sp.GammaT.Value.Data[c]));
            Assert.Equal(sig[c], MathF.Sign(sp.SignScale().Data[c] == 0 ? 1 : sp.SignScale().Data[c]));
            Assert.Equal(MathF.Abs(s[c]), MathF.Abs(sp.SignScale().Data[c]), 1e-6f);
        }
        Assert.Equal(1.0, sig.DetectionRate(sp.SignScale().Data));
    }

    [Fact]
    public void PanVerificationBranchTakesItsAffineFromTheMlpOfThePooledPassport()
    {
        var (pan, sw) = Make((sw, rng) => new PanPassportBlock(3, 8, 3, 1, 1, NormType.Bn, relu: true, Sig(8), P(1), P(2), sw, rng));
        Assert.NotSame(pan.Norm0, pan.Norm1);   // separate statistics per branch
        var x = Tensor.Randn(new Rng(4), 2, 3, 6, 6);
        pan.Eval();
        using var _ = NoGrad.Scope();
        sw.Current = Branch.Verification;
        var y = pan.Forward(x);
        var h = pan.Norm1!.Forward(pan.Conv.Forward(x));
        var g = pan.Mlp.Forward(pan.PassportScale()).Data;
        var b = pan.Mlp.Forward(pan.PassportBias()).Data;
        for (int i = 0; i < y.Size; i++) { int c = i / 36 % 8; Assert.Equal(MathF.Max(0, g[c] * h.Data[i] + b[c]), y.Data[i], 1e-4f); }
        Assert.Equal(pan.PassportScale().Data, pan.SignScale().Data);   // the signature is read before the MLP
        Assert.Null(pan.BalanceLoss());
        var names = pan.StateDict().Keys.ToList();
        Assert.Contains("fc.0.weight", names);
        Assert.Contains("fc.2.weight", names);
        Assert.Contains("bn1.running_mean", names);
        Assert.Equal([2, 8], pan.Mlp.W1.Weight.Value.Shape);   // hidden C/4
    }

    [Theory]
    [InlineData(PassportScheme.Pan)]
    [InlineData(PassportScheme.Sp)]
    public void SignLossEmbedsTheSignature(PassportScheme scheme)
    {
        var model = new PassportModel("alexnet", 10, PassportConfig.Load("alexnet-last3", "alexnet"), scheme, NormType.Bn, seed: 7);
        var opt = new Sgd(model.Network.Parameters(), 0.1f, 0.9f);
        for (int step = 0; step < 80; step++) { opt.ZeroGrad(); model.SignLoss().Backward(); opt.Step(); }
        Assert.All(model.SignatureDetection(), d => Assert.Equal(1.0, d.Detection));
    }
}
