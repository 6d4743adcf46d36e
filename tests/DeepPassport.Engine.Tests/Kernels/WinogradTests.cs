using DeepPassport.Engine.Tensors;
using DeepPassport.Engine.Tests.Tensors;
using Xunit;

namespace DeepPassport.Engine.Tests.Kernels;

/// <summary>The Winograd F(2x2, 3x3) path of Conv2d against the im2col path, forward and every gradient.</summary>
public class WinogradTests
{
    private static Tensor R(ulong seed, params int[] shape) => Tensor.Randn(new Rng(seed), shape);

    [Theory]
    [InlineData(1, 16, 16, 8, 8, true)]     // one image
    [InlineData(5, 16, 24, 8, 8, true)]     // AlexNet's 8x8 layers; 5 images in uneven chunks
    [InlineData(3, 17, 16, 8, 10, false)]   // 17 channels (8 at a time and a scalar one), rows of 10 pixels (transposed as one matrix)
    [InlineData(2, 32, 32, 32, 32, true)]   // ResNet-18's first stage: one image a chunk
    [InlineData(4, 64, 16, 4, 16, false)]   // rows of 16 pixels (transposed row by row)
    [InlineData(3, 40, 24, 4, 4, true)]     // ResNet-18's last stage: 4 tiles an image
    [InlineData(2, 17, 19, 8, 8, true)]     // 17 x 19 filters: the filter transforms end in a scalar tail
    [InlineData(2, 16, 16, 2, 34, true)]    // one row of 17 tiles
    public void MatchesIm2Col(int n, int inC, int outC, int h, int w, bool bias)
    {
        var g = new ConvGeometry(inC, h, w, outC, 3, 3, 1, 1);
        Assert.True(g.UsesWinograd);
        Tensor[] Inputs() => bias ? [R(1, n, inC, h, w), R(2, outC, inC, 3, 3), R(3, outC)] : [R(1, n, inC, h, w), R(2, outC, inC, 3, 3)];
        (Tensor Y, Tensor[] Grads) Run(Func<Tensor[], Tensor> conv)
        {
            var t = Inputs();
            foreach (var v in t) v.RequiresGrad = true;
            var y = conv(t);
            (y * R(4, y.Shape)).Sum().Backward();
            return (y, t.Select(v => v.Grad!).ToArray());
        }
        var (yw, gw) = Run(t => F.Conv2d(t[0], t[1], bias ? t[2] : null, 1, 1));
        var (yr, gr) = Run(t => F.Conv2dIm2Col(t[0], t[1], bias ? t[2] : null, g));
        Near(yr, yw, "y");
        for (int i = 0; i < gr.Length; i++) Near(gr[i], gw[i], $"grad {i}");
    }

    /// <summary>Relative to the largest magnitude: F(2x2, 3x3) adds and halves, it does not lose more than a few ulps of it.</summary>
    private static void Near(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        float scale = expected.Data.Max(MathF.Abs);
        for (int i = 0; i < expected.Size; i++)
            Assert.True(MathF.Abs(expected.Data[i] - actual.Data[i]) <= 1e-5f * scale + 1e-6f, $"{what}[{i}]: {actual.Data[i]} vs im2col {expected.Data[i]}");
    }

    [Fact]
    public void OddSizesSmallChannelsAndOtherKernelsStayOnIm2Col()
    {
        Assert.False(new ConvGeometry(16, 7, 8, 16, 3, 3, 1, 1).UsesWinograd);
        Assert.False(new ConvGeometry(3, 32, 32, 64, 3, 3, 1, 1).UsesWinograd);
        Assert.False(new ConvGeometry(64, 32, 32, 64, 3, 3, 2, 1).UsesWinograd);
        Assert.False(new ConvGeometry(64, 32, 32, 64, 5, 5, 1, 2).UsesWinograd);
        Assert.False(new ConvGeometry(512, 2, 2, 512, 3, 3, 1, 1).UsesWinograd);
    }

    [Fact]
    public void GradientCheck() =>
        GradCheck.Check(t => F.Conv2d(t[0], t[1], t[2], 1, 1), [R(1, 2, 16, 6, 8), R(2, 16, 16, 3, 3), R(3, 16)]);
}
