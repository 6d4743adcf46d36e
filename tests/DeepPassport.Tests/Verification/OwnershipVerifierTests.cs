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
