using DeepPassport.Engine.Tensors;
using DeepPassport.Models;
using DeepPassport.Passports;
using DeepPassport.Schemes;

namespace DeepPassport.Tests.Schemes;

public class PassportBlockFactoryTests
{
    [Fact]
    public void ConfigLayersBecomePassportBlocksWithPassportsOfTheirInputShape()
    {
        var config = PassportConfig.Parse("""{"4": true, "5": true, "6": "owner"}""", "alexnet", "t");
        var sw = new BranchSwitch();
        var factory = new PassportBlockFactory(PassportKeys.Create(config, KeyType.Random, new Rng(3)), PassportScheme.V2, NormType.Bn, sw, new Rng(3));
        var model = new AlexNetCifar(10, factory, new Rng(4));
        Assert.Equal(["features.4", "features.5", "features.6"], factory.PassportBlocks.Select(p => p.Path));
        Assert.Equal([1, 192, 8, 8], factory.PassportBlocks[0].Block.PassportGamma.Shape);
        Assert.Equal("owner", factory.PassportBlocks[2].Block.Signature.DecodeText(5));
        var names = model.StateDict().Keys.ToHashSet();
        Assert.Contains("features.4.skey_private", names);
        Assert.Contains("features.4.scale", names);
        Assert.Contains("features.0.bn.weight", names);   // plain blocks keep their affine norm

        var x = Tensor.Randn(new Rng(1), 2, 3, 32, 32);
        var deployment = model.Forward(x);
        sw.Current = Branch.Verification;
        var verification = model.Forward(x);
        Assert.Equal([2, 10], verification.Shape);
        Assert.NotEqual(deployment.Data, verification.Data);
    }
}
