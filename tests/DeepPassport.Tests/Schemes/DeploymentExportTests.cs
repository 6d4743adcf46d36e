using DeepPassport.Engine.IO;
using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;
using DeepPassport.Owner;
using DeepPassport.Passports;
using DeepPassport.Schemes;

namespace DeepPassport.Tests.Schemes;

public class DeploymentExportTests
{
    /// <summary>A passport model whose norm statistics and public affine are not the initial ones.</summary>
    internal static PassportModel Trained(PassportScheme scheme, NormType norm, string config = "alexnet-last3", ulong seed = 3, string arch = "alexnet")
    {
        var model = new PassportModel(arch, 10, PassportConfig.Load(config, arch), scheme, norm, seed);
        var rng = new Rng(seed);
        foreach (var p in model.Network.Parameters())
            if (p.Value.Rank == 1) foreach (ref float v in p.Value.Data.AsSpan()) v += 0.3f * (float)rng.NextNormal();
        using (NoGrad.Scope())
            foreach (var branch in model.Branches) model.Forward(Tensor.Randn(rng, 8, 3, 32, 32), branch);   // moves running statistics
        model.Network.Eval();
        return model;
    }

    [Theory]
    [InlineData(PassportScheme.V2, NormType.Bn)]
    [InlineData(PassportScheme.V2, NormType.Gn)]
    [InlineData(PassportScheme.V2, NormType.In)]
    [InlineData(PassportScheme.V2, NormType.None)]
    [InlineData(PassportScheme.V3, NormType.Bn)]
    [InlineData(PassportScheme.V1, NormType.Bn)]
    [InlineData(PassportScheme.V1, NormType.None)]
    [InlineData(PassportScheme.Pan, NormType.Bn)]
    [InlineData(PassportScheme.Pan, NormType.Gn)]
    [InlineData(PassportScheme.Sp, NormType.Bn)]
    [InlineData(PassportScheme.Sp, NormType.In)]
    [InlineData(PassportScheme.Sp, NormType.None)]
    public void DeploymentLoadsStrictlyIntoThePlainModelAndComputesTheDeploymentBranch(PassportScheme scheme, NormType norm)
    {
        var model = Trained(scheme, norm);
        var (state, description, _) = DeploymentExport.ToPlain(model);
        var plain = description.CreateModel(seed: 99);
        plain.LoadStateDict(state, strict: true);
        plain.Eval();
        var x = Tensor.Randn(new Rng(5), 3, 3, 32, 32);
        using var _ = NoGrad.Scope();
        // V2/V3 ship the public branch; V1 ships its passport branch materialised.
        var expected = model.Forward(x, scheme == PassportScheme.V1 ? Branch.Verification : Branch.Deployment).Data;
        var actual = plain.Forward(x).Data;
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-3f * (1 + Math.Abs(expected[i])));
    }

    /// <summary>ResNet-18 with all of layer4 as passport layers (incl. the shortcut, which has no ReLU).</summary>
    [Theory]
    [InlineData(PassportScheme.V2)]
    [InlineData(PassportScheme.V1)]
    public void ResNet18DeploymentIsThePlainResNet(PassportScheme scheme)
    {
        var model = Trained(scheme, NormType.Bn, "resnet18-layer4", arch: "resnet18");
        Assert.Equal(5, model.PassportLayers.Count);
        var (state, description, _) = DeploymentExport.ToPlain(model);
        var plain = ModelFactory.Create("resnet18", 10, NormType.Bn, 1);
        plain.LoadStateDict(state, strict: true);
        plain.Eval();
        var x = Tensor.Randn(new Rng(5), 2, 3, 32, 32);
        using var _ = NoGrad.Scope();
        var expected = model.Forward(x, scheme == PassportScheme.V1 ? Branch.Verification : Branch.Deployment).Data;
        var actual = plain.Forward(x).Data;
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-3f * (1 + Math.Abs(expected[i])));
        Assert.Equal("resnet18", description.Arch);
    }

    [Theory]
    [InlineData(PassportScheme.V2, NormType.Bn)]
    [InlineData(PassportScheme.V2, NormType.None)]
    [InlineData(PassportScheme.Pan, NormType.Bn)]
    [InlineData(PassportScheme.Sp, NormType.Bn)]
    [InlineData(PassportScheme.Sp, NormType.Gn)]
    public void LoadingTheDeploymentBackGivesTheOwnersVerificationBranch(PassportScheme scheme, NormType norm)
    {
        var model = Trained(scheme, norm);
        var (state, _, privateState) = DeploymentExport.ToPlain(model);
        var fresh = new PassportModel("alexnet", 10, scheme, norm, model.Keys(), seed: 1234);
        DeploymentExport.LoadPlain(fresh, state, privateState, "test");
        fresh.Network.Eval();
        var x = Tensor.Randn(new Rng(6), 2, 3, 32, 32);
        using var _ = NoGrad.Scope();
        foreach (var branch in new[] { Branch.Deployment, Branch.Verification })
        {
            var a = model.Forward(x, branch).Data;
            var b = fresh.Forward(x, branch).Data;
            for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 1e-3f * (1 + Math.Abs(a[i])));
        }
    }

    /// <summary>No passport, private or signature tensor in the package: neither by name nor by its bytes.</summary>
    [Theory]
    [InlineData(PassportScheme.V2)]
    [InlineData(PassportScheme.Pan)]
    [InlineData(PassportScheme.Sp)]
    public void TheDeploymentFileHoldsNoSecret(PassportScheme scheme)
    {
        var model = Trained(scheme, NormType.Bn, "alexnet-all");
        var dir = Path.Combine(Path.GetTempPath(), "dp-export-" + Guid.NewGuid().ToString("N")[..8]);
        RunArtefacts.Save(dir, model, PassportConfig.Load("alexnet-all", "alexnet"), KeyType.Random, 0.1f, 3);
        var file = Path.Combine(dir, RunArtefacts.DeploymentFile);
        var (state, meta) = StateDictFile.Load(file);
        Assert.DoesNotContain(state.Keys, k => k.Contains("key") || k.EndsWith(".scale") || k.EndsWith(".bias") && !k.Contains(".bn.") && !k.StartsWith("classifier"));
        var plainNames = ModelFactory.Create("alexnet", 10, NormType.Bn, 0).StateDict().Keys.ToHashSet();
        Assert.True(plainNames.SetEquals(state.Keys));
        Assert.Equal("alexnet", meta["arch"]);

        var bytes = File.ReadAllBytes(file);
        foreach (var k in model.Keys())
        {
            foreach (var secret in new[] { k.PassportBeta, k.PassportGamma })
                Assert.False(Contains(bytes, System.Runtime.InteropServices.MemoryMarshal.AsBytes(secret.Data.AsSpan(0, 16)).ToArray()), $"passport bytes of {k.Path} in the deployment");
            var bits = k.Signature.Bits.Select(b => (float)b).ToArray();
            Assert.False(Contains(bytes, System.Runtime.InteropServices.MemoryMarshal.AsBytes(bits.AsSpan(0, 32)).ToArray()), $"signature of {k.Path} in the deployment");
        }
        Assert.False(Contains(bytes, System.Text.Encoding.UTF8.GetBytes(model.Keys()[0].Signature.ToString()[..64])));
        // The private branch (bn1 statistics, MLP, transition affine) stays with the owner too.
        var owner = OwnerSecrets.Load(Path.Combine(dir, RunArtefacts.OwnerFolder));
        foreach (var (name, value) in owner.Private.Entries)
            // (bn1 statistics may legitimately equal bn0's: on the first passport layer both branches normalise the same W * x.)
            if (!value.IsInt64 && value.Tensor!.Size >= 8 && !name.Contains("running_"))
                Assert.False(Contains(bytes, System.Runtime.InteropServices.MemoryMarshal.AsBytes(value.Tensor.Data.AsSpan(0, 8)).ToArray()), $"private tensor {name} in the deployment");
        if (scheme != PassportScheme.V2) Assert.NotEmpty(owner.Private.Entries);
        Directory.Delete(dir, true);
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
