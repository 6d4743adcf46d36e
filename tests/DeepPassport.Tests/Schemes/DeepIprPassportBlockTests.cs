using DeepPassport.Engine.Tensors;
using DeepPassport.Models;
using DeepPassport.Passports;
using DeepPassport.Schemes;

namespace DeepPassport.Tests.Schemes;

public class DeepIprPassportBlockTests
{
    private static DeepIprPassportBlock Block(bool publicBranch, BranchSwitch sw, NormType norm = NormType.Bn)
    {
        var rng = new Rng(5);
        return new DeepIprPassportBlock(3, 4, 3, 1, 1, norm, relu: true, Signature.Parse("1010", "t"),
            Tensor.Rand(rng, -1, 1, 1, 3, 6, 6), Tensor.Rand(rng, -1, 1, 1, 3, 6, 6), publicBranch, sw, rng);
    }

    private static void AssertEqual(Tensor a, Tensor b)
    {
        Assert.Equal(a.Shape, b.Shape);
        for (int i = 0; i < a.Size; i++) Assert.Equal(a.Data[i], b.Data[i], 5);
    }

    [Fact]
    public void PublicBranchStartsAsThePlainConvBlock()
    {
        var sw = new BranchSwitch();
        var block = Block(publicBranch: true, sw);
        var x = Tensor.Randn(new Rng(1), 2, 3, 6, 6);
        var expected = F.BatchNorm2d(F.Conv2d(x, block.Conv.Weight.Value, null, 1, 1), null, null, null, null, training: true).Relu();
        AssertEqual(expected, block.Forward(x));
    }

    [Fact]
    public void VerificationBranchScalesByTheGlobalAveragePoolOfThePassportThroughTheSameConv()
    {
        var sw = new BranchSwitch { Current = Branch.Verification };
        var block = Block(publicBranch: true, sw);
        var x = Tensor.Randn(new Rng(1), 2, 3, 6, 6);
        var zg = F.Conv2d(block.PassportGamma, block.Conv.Weight.Value, null, 1, 1);
        var zb = F.Conv2d(block.PassportBeta, block.Conv.Weight.Value, null, 1, 1);
        var gamma = new Tensor(4); var beta = new Tensor(4);
        for (int c = 0; c < 4; c++)
            for (int i = 0; i < 36; i++) { gamma.Data[c] += zg.Data[c * 36 + i] / 36; beta.Data[c] += zb.Data[c * 36 + i] / 36; }
        AssertEqual(gamma, block.PassportScale());
        var h = F.BatchNorm2d(F.Conv2d(x, block.Conv.Weight.Value, null, 1, 1), null, null, null, null, training: true);
        AssertEqual(F.ChannelAffine(h, gamma, beta).Relu(), block.Forward(x));
    }

    [Fact]
    public void SignLossOnThePassportScaleTrainsTheSharedConv()
    {
        var block = Block(publicBranch: true, new BranchSwitch());
        new SignLoss().Compute(block.PassportScale(), block.Signature).Backward();
        Assert.NotNull(block.Conv.Weight.Grad);
        Assert.Contains(block.Conv.Weight.Grad!.Data, g => g != 0);
    }

    [Fact]
    public void StateDictUsesTheOriginalNames()
    {
        Assert.Equal(["scale", "bias", "key_private", "skey_private", "conv.weight", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"],
            Block(publicBranch: true, new BranchSwitch()).StateDict().Keys.OrderBy(k => k.Contains('.')).ToArray());
        var v1 = Block(publicBranch: false, new BranchSwitch(), NormType.Gn).StateDict().Keys.ToHashSet();
        Assert.Contains("key", v1);
        Assert.Contains("skey", v1);
        Assert.DoesNotContain("scale", v1);
    }

    [Fact]
    public void SchemeV1NeedsThePassportInBothBranchSettings()
    {
        var sw = new BranchSwitch();
        var block = Block(publicBranch: false, sw);
        var x = Tensor.Randn(new Rng(1), 2, 3, 6, 6);
        var deployment = block.Forward(x);
        sw.Current = Branch.Verification;
        AssertEqual(deployment, block.Forward(x));
    }

    [Fact]
    public void PassportOfTheWrongShapeIsRefused()
    {
        var rng = new Rng(1);
        var e = Assert.Throws<ArgumentException>(() => new DeepIprPassportBlock(3, 4, 3, 1, 1, NormType.Bn, true, Signature.Parse("1010", "t"),
            Tensor.Zeros(1, 5, 6, 6), Tensor.Zeros(1, 3, 6, 6), true, new BranchSwitch(), rng));
        Assert.Contains("3 input channels", e.Message);
    }
}
