using DeepPassport.Engine.Data;
using DeepPassport.Engine.Optim;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;
using DeepPassport.Owner;
using DeepPassport.Passports;
using DeepPassport.Schemes;
using DeepPassport.Verification;

namespace DeepPassport.Tests.Verification;

public class OwnershipVerifierTests
{
    /// <summary>A tiny V2 model whose sign losses have embedded the signature, exported; and an unrelated plain model.</summary>
    [Fact]
    public void TheProtectedModelIsOwnedAndAnUnrelatedPlainModelIsNot()
    {
        var config = PassportConfig.Load("alexnet-last3", "alexnet");
        var model = new PassportModel("alexnet", 10, config, PassportScheme.V2, NormType.Gn, seed: 5);
        var opt = new Sgd(model.Network.Parameters(), 0.1f, 0.9f);
        for (int step = 0; step < 60; step++) { opt.ZeroGrad(); model.SignLoss().Backward(); opt.Step(); }
        var dir = Path.Combine(Path.GetTempPath(), "dp-verify-" + Guid.NewGuid().ToString("N")[..8]);
        var owner = RunArtefacts.Save(dir, model, config, KeyType.Random, 0.1f, 5);

        var test = new SyntheticShapes(48, seed: 2);
        // Accuracy means nothing for an untrained model: this test is about the signature, so the accuracy gap is off.
        var options = new VerificationOptions(test, Augmentation.Eval(Normalization.Cifar), FakeDraws: 2, FakeImages: 16,
            Thresholds: new VerificationThresholds(MinAccuracyGap: -1));
        var (deployment, description) = ModelFile.Load(Path.Combine(dir, RunArtefacts.DeploymentFile));
        var genuine = OwnershipVerifier.Verify(deployment, description, owner, options, "deployment");
        Assert.Equal(1.0, genuine.SignatureDetection);
        Assert.Equal(0.0, genuine.BitErrorRate);
        Assert.Equal(896, genuine.Bits);
        Assert.True(genuine.Log10PValue < -250);
        Assert.Equal(2, genuine.FakePassportAccuracies.Count);
        Assert.Equal("owned", genuine.Verdict);

        var unrelated = ModelFactory.Create("alexnet", 10, NormType.Gn, seed: 77);
        var report = OwnershipVerifier.Verify(unrelated, new ModelDescription("alexnet", NormType.Gn, 10), owner, options, "plain");
        Assert.InRange(report.SignatureDetection, 0.35, 0.65);
        Assert.True(report.PValue > 1e-3);
        Assert.Equal("not_shown", report.Verdict);
        Directory.Delete(dir, true);
    }

    /// <summary>
    /// SP carries its signature in GAP(W * P_gamma) * gamma_t: the verifier must read that product, not GAP(W * P_gamma)
    /// alone. Regression: with gamma_t started at the signature (negative in about half the channels) the verifier read
    /// 50 % of the bits where training had embedded all of them.
    /// </summary>
    [Fact]
    public void SpSignatureIsReadFromThePassportResponseTimesGammaT()
    {
        var config = PassportConfig.Load("alexnet-last3", "alexnet");
        var ownerPassport = new[] { TestPhotos.Photo(40, 36, new Rng(1)), TestPhotos.Photo(40, 36, new Rng(2)) };
        var keys = PassportKeys.CreateFromOwnerPassport(config, ownerPassport, NormType.Bn, new Rng(1));
        var model = new PassportModel("alexnet", 10, PassportScheme.Sp, NormType.Bn, keys, 1);
        model.StartTransitionsAtSignature();
        Assert.All(model.SignatureDetection(), d => Assert.Equal(1.0, d.Detection));
        Assert.Contains(model.PassportLayers, p => ((SpPassportBlock)p.Block).GammaT.Value.Data.Any(v => v < 0));
        Assert.All(OwnershipVerifier.Detect(model), d => Assert.Equal(d.Bits, d.Matching));
    }

    [Fact]
    public void AnotherArchitectureIsAClearError()
    {
        var model = new PassportModel("alexnet", 10, PassportConfig.Load("alexnet-last3", "alexnet"), PassportScheme.V2, NormType.Bn, seed: 1);
        var dir = Path.Combine(Path.GetTempPath(), "dp-verify-" + Guid.NewGuid().ToString("N")[..8]);
        var owner = RunArtefacts.Save(dir, model, PassportConfig.Load("alexnet-last3", "alexnet"), KeyType.Random, 0.1f, 1);
        var resnet = ModelFactory.Create("resnet18", 10, NormType.Bn, 0);
        var e = Assert.Throws<InvalidDataException>(() => OwnershipVerifier.Verify(resnet, new ModelDescription("resnet18", NormType.Bn, 10), owner,
            new VerificationOptions(new SyntheticShapes(8, 1), Augmentation.Eval(Normalization.Cifar)), "suspect.safetensors"));
        Assert.Contains("suspect.safetensors", e.Message);
        var gn = ModelFactory.Create("alexnet", 10, NormType.None, 0);
        Assert.Throws<InvalidDataException>(() => OwnershipVerifier.Verify(gn, new ModelDescription("alexnet", NormType.None, 10), owner,
            new VerificationOptions(new SyntheticShapes(8, 1), Augmentation.Eval(Normalization.Cifar)), "suspect.safetensors"));
        Directory.Delete(dir, true);
    }
}
