using DeepPassport.Engine.Optim;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;
using DeepPassport.Passports;
using DeepPassport.Schemes;

namespace DeepPassport.Tests.Schemes;

public class PassportModelTests
{
    private static PassportModel Model() =>
        new("alexnet", 10, PassportConfig.Load("alexnet-last3", "alexnet"), PassportScheme.V2, NormType.Gn, seed: 7);

    /// <summary>The sign loss alone drives every sign(gamma) to the signature: detection reaches 100% on every layer.</summary>
    [Fact]
    public void SignLossEmbedsTheSignature()
    {
        var model = Model();
        Assert.All(model.SignatureDetection(), d => Assert.InRange(d.Detection, 0.2, 0.8));   // chance before training
        var opt = new Sgd(model.Network.Parameters(), 0.1f, 0.9f);
        for (int step = 0; step < 60; step++)
        {
            opt.ZeroGrad();
            model.SignLoss(new SignLoss()).Backward();
            opt.Step();
        }
        Assert.All(model.SignatureDetection(), d => Assert.Equal(1.0, d.Detection));
    }

    /// <summary>The V2 objective CE(deployment) + CE(verification) + sign losses falls under small plain SGD steps (its gradient is right).</summary>
    [Fact]
    public void TwoBranchObjectiveFalls()
    {
        var model = Model();
        var x = Tensor.Randn(new Rng(1), 4, 3, 32, 32);
        int[] labels = [0, 1, 2, 3];
        var opt = new Sgd(model.Network.Parameters(), 1e-3f);
        var losses = new List<float>();
        for (int step = 0; step < 4; step++)
        {
            opt.ZeroGrad();
            var loss = F.CrossEntropy(model.Forward(x, Branch.Deployment), labels)
                + F.CrossEntropy(model.Forward(x, Branch.Verification), labels)
                + model.SignLoss(new SignLoss());
            loss.Backward();
            opt.Step();
            losses.Add(loss.Item());
        }
        Assert.True(losses[^1] < losses[0], $"loss {string.Join(" -> ", losses)}");
    }

    [Fact]
    public void ConfigForAnotherArchitectureIsRefused() =>
        Assert.Throws<ArgumentException>(() => new PassportModel("resnet18", 10, PassportConfig.Load("alexnet-last3", "alexnet"), PassportScheme.V2, NormType.Bn, 1));
}
