using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Optim;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.Optim;

public class GradClipTests
{
    private static Parameter WithGrad(params float[] g) =>
        new(Tensor.Zeros(g.Length)) { Grad = Tensor.FromArray(g, g.Length) };

    [Fact]
    public void ScalesAllGradientsTogetherAndReturnsTheNormBeforeClipping()
    {
        var a = WithGrad(3f, 0f);
        var b = WithGrad(0f, 4f); // joint norm 5
        float total = GradClip.ClipGradNorm([a, b], 1f);
        Assert.Equal(5f, total, 5);
        float coef = 1f / (5f + 1e-6f);
        Assert.Equal([3f * coef, 0f], a.Grad!.Data);
        Assert.Equal([0f, 4f * coef], b.Grad!.Data);
    }

    [Fact]
    public void LeavesGradientsAloneBelowTheLimit()
    {
        var a = WithGrad(0.3f, 0.4f);
        Assert.Equal(0.5f, GradClip.ClipGradNorm([a], 1f), 6);
        Assert.Equal([0.3f, 0.4f], a.Grad!.Data);
    }

    [Fact]
    public void SkipsFrozenParametersAndMissingGradients()
    {
        var a = WithGrad(3f, 4f);
        var frozen = WithGrad(100f);
        frozen.RequiresGrad = false;
        var none = new Parameter(Tensor.Zeros(2));
        float total = GradClip.ClipGradNorm([a, frozen, none], 10f);
        Assert.Equal(5f, total, 5);
        Assert.Equal([100f], frozen.Grad!.Data);
    }
}
