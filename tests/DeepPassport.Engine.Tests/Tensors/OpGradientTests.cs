using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.Tensors;

/// <summary>Every operator's backward against finite differences.</summary>
public class OpGradientTests
{
    private static Tensor R(ulong seed, params int[] shape) => Tensor.Randn(new Rng(seed), shape);

    /// <summary>Values in [lo, hi], away from kinks and poles.</summary>
    private static Tensor U(ulong seed, float lo, float hi, params int[] shape) => Tensor.Rand(new Rng(seed), lo, hi, shape);

    /// <summary>Random values kept at least 0.1 away from 0, so kinks at 0 are not probed.</summary>
    private static Tensor AwayFromZero(ulong seed, params int[] shape)
    {
        var t = R(seed, shape);
        for (int i = 0; i < t.Size; i++) t.Data[i] = t.Data[i] >= 0 ? t.Data[i] + 0.1f : t.Data[i] - 0.1f;
        return t;
    }

    public static TheoryData<string> Binary => new() { "add", "sub", "mul", "div" };

    [Theory]
    [MemberData(nameof(Binary))]
    public void BinaryOps_SameShapeAndBroadcast(string op)
    {
        Func<Tensor[], Tensor> f = op switch
        {
            "add" => t => t[0] + t[1],
            "sub" => t => t[0] - t[1],
            "mul" => t => t[0] * t[1],
            _ => t => t[0] / t[1],
        };
        GradCheck.Check(f, [R(1, 2, 3, 4), U(2, 0.5f, 2f, 2, 3, 4)]);
        GradCheck.Check(f, [R(3, 2, 3, 4, 5), U(4, 0.5f, 2f, 1, 3, 1, 1)]);
        GradCheck.Check(f, [R(5, 2, 3, 5), U(6, 0.5f, 2f, 5)]);
        GradCheck.Check(f, [U(7, 0.5f, 2f, 4, 1), R(8, 1, 3)]);
    }

    [Fact]
    public void ScalarOps() => GradCheck.Check(t => (t[0] * 3f + 2f - 1.5f) / 4f - t[0].Neg(), [R(1, 3, 4)]);

    [Fact] public void Exp() => GradCheck.Check(t => t[0].Exp(), [R(1, 3, 4)]);
    [Fact] public void Log() => GradCheck.Check(t => t[0].Log(), [U(1, 0.5f, 3f, 3, 4)]);
    [Fact] public void Sqrt() => GradCheck.Check(t => t[0].Sqrt(), [U(1, 0.5f, 3f, 3, 4)]);
    [Fact] public void Pow() => GradCheck.Check(t => t[0].Pow(3f), [U(1, 0.5f, 2f, 3, 4)], eps: 1e-3f);
    [Fact] public void Abs() => GradCheck.Check(t => t[0].Abs(), [AwayFromZero(1, 3, 4)]);
    [Fact] public void Sign() => GradCheck.Check(t => t[0].Sign(), [AwayFromZero(1, 3, 4)]);
    [Fact] public void Sigmoid() => GradCheck.Check(t => t[0].Sigmoid(), [R(1, 3, 4)]);
    [Fact] public void Tanh() => GradCheck.Check(t => t[0].Tanh(), [R(1, 3, 4)]);
    [Fact] public void Relu() => GradCheck.Check(t => t[0].Relu(), [AwayFromZero(1, 3, 4)]);
    /// <summary>relu(a + b) with a + b kept away from 0, where it has no derivative.</summary>
    [Fact]
    public void AddRelu()
    {
        var b = R(2, 3, 4);
        var a = AwayFromZero(1, 3, 4) - b.Detach();
        GradCheck.Check(t => t[0].AddRelu(t[1]), [a, b]);
    }

    [Fact] public void LeakyRelu() => GradCheck.Check(t => t[0].LeakyRelu(0.2f), [AwayFromZero(1, 3, 4)]);

    [Fact]
    public void Clamp()
    {
        var x = AwayFromZero(1, 4, 5);
        for (int i = 0; i < x.Size; i++) if (MathF.Abs(MathF.Abs(x.Data[i]) - 0.5f) < 0.05f) x.Data[i] += 0.1f;
        GradCheck.Check(t => t[0].Clamp(-0.5f, 0.5f), [x]);
    }

    [Fact] public void SumAndMean() => GradCheck.Check(t => t[0].Sum() + t[0].Mean(), [R(1, 3, 4)]);
    [Fact] public void SumAxis() => GradCheck.Check(t => t[0].Sum(1), [R(1, 2, 3, 4)]);
    [Fact] public void MeanAxisKeepDim() => GradCheck.Check(t => t[0].Mean(2, keepDim: true), [R(1, 2, 3, 4)]);
    [Fact] public void MaxAll() => GradCheck.Check(t => t[0].Max(), [R(1, 3, 4)]);
    [Fact] public void MaxAxis() => GradCheck.Check(t => t[0].Max(1), [R(1, 2, 5, 3)]);
    [Fact] public void ReshapeFlattenSliceT() => GradCheck.Check(t => t[0].Reshape(4, -1).Slice(1, 2).Flatten().T(), [R(1, 2, 2, 6)]);
    [Fact] public void Narrow() => GradCheck.Check(t => t[0].Narrow(1, 2, 3) * t[0].Narrow(-1, 1, 2).Sum(), [R(1, 2, 6, 2, 3)]);
    [Fact] public void HaarDwtAndIwt() => GradCheck.Check(t => F.HaarIwt(F.HaarDwt(t[0]) * t[1]), [R(1, 2, 3, 4, 6), R(2, 2, 12, 2, 3)]);
    [Fact]
    public void CatKeepsItsPartsWhenTheCallersListGrows()
    {
        // Dense blocks concatenate a growing list of features; each Cat must back-propagate into the parts it saw.
        GradCheck.Check(t =>
        {
            var features = new List<Tensor> { t[0] };
            features.Add(Tensor.Cat(features, 1) * 2f);
            return Tensor.Cat(features, 1);
        }, [R(1, 2, 3, 2, 2)]);
    }

    [Fact] public void Cat() => GradCheck.Check(t => Tensor.Cat([t[0], t[1]], 1), [R(1, 2, 3, 2, 2), R(2, 2, 5, 2, 2)]);
    [Fact] public void MatMul() => GradCheck.Check(t => F.MatMul(t[0], t[1]), [R(1, 5, 7), R(2, 7, 3)]);
    [Fact] public void Linear() => GradCheck.Check(t => F.Linear(t[0], t[1], t[2]), [R(1, 4, 6), R(2, 3, 6), R(3, 3)]);
    [Fact] public void LinearNoBias() => GradCheck.Check(t => F.Linear(t[0], t[1], null), [R(1, 4, 6), R(2, 3, 6)]);

    [Theory]
    [InlineData(3, 1, 1, true)]
    [InlineData(5, 1, 2, false)]
    [InlineData(3, 2, 1, true)]
    [InlineData(1, 1, 0, false)]
    [InlineData(1, 2, 0, false)]
    [InlineData(3, 2, 0, true)]
    public void Conv2d(int k, int stride, int padding, bool bias)
    {
        Tensor[] inputs = bias ? [R(1, 2, 3, 7, 7), R(2, 4, 3, k, k), R(3, 4)] : [R(1, 2, 3, 7, 7), R(2, 4, 3, k, k)];
        GradCheck.Check(t => F.Conv2d(t[0], t[1], bias ? t[2] : null, stride, padding), inputs);
    }

    /// <summary>Stride 2 with same padding on even sides: the halving im2col (phase planes) for 3x3 and 5x5, the strided gather for 1x1.</summary>
    [Theory]
    [InlineData(3, 1)]
    [InlineData(1, 0)]
    [InlineData(5, 2)]
    public void Conv2dHalving(int k, int padding) =>
        GradCheck.Check(t => F.Conv2d(t[0], t[1], t[2], 2, padding), [R(1, 2, 3, 6, 8), R(2, 4, 3, k, k), R(3, 4)]);

    /// <summary>A wide, short image through the same-width im2col path (rows shifted as blocks, border columns zeroed).</summary>
    [Fact] public void Conv2dSameWidthNonSquare() =>
        GradCheck.Check(t => F.Conv2d(t[0], t[1], t[2], 1, 1), [R(1, 2, 3, 4, 9), R(2, 4, 3, 3, 3), R(3, 4)]);

    [Fact] public void MaxPool() => GradCheck.Check(t => F.MaxPool2d(t[0], 2, 2), [R(1, 2, 3, 6, 6)]);
    [Fact] public void MaxPoolPadded() => GradCheck.Check(t => F.MaxPool2d(t[0], 3, 2, 1), [R(1, 2, 3, 7, 7)]);
    [Fact] public void AvgPool() => GradCheck.Check(t => F.AvgPool2d(t[0], 3, 2, 1), [R(1, 2, 3, 7, 7)]);
    [Fact] public void AdaptiveAvgPool() => GradCheck.Check(t => F.AdaptiveAvgPool2d1x1(t[0]), [R(1, 2, 3, 4, 4)]);

    [Fact]
    public void BatchNormTrain() => GradCheck.Check(t => F.BatchNorm2d(t[0], t[1], t[2], null, null, training: true),
        [R(1, 4, 3, 3, 3), U(2, 0.5f, 1.5f, 3), R(3, 3)], eps: 1e-3f);

    [Fact]
    public void BatchNormTrainNoAffine() => GradCheck.Check(t => F.BatchNorm2d(t[0], null, null, null, null, training: true), [R(1, 4, 3, 3, 3)], eps: 1e-3f);

    [Fact]
    public void BatchNormEval() => GradCheck.Check(t => F.BatchNorm2d(t[0], t[1], t[2], R(9, 3), U(10, 0.5f, 2f, 3), training: false),
        [R(1, 2, 3, 3, 3), R(2, 3), R(3, 3)]);

    /// <summary>
    /// Batch norm with its ReLU fused, in training (the gradient gated inside batch norm's backward) and evaluation. The
    /// inputs keep every normalised value at least 0.01 from the ReLU's kink, where finite differences cannot hold.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BatchNormRelu(bool training)
    {
        Tensor[] inputs = [R(11, 2, 3, 3, 3), U(2, 0.5f, 1.5f, 3), R(3, 3)];
        Tensor? mean = training ? null : R(9, 3), var = training ? null : U(10, 0.5f, 2f, 3);
        var pre = F.BatchNorm2d(inputs[0], inputs[1], inputs[2], mean?.Clone(), var?.Clone(), training);
        Assert.All(pre.Data, v => Assert.True(Math.Abs(v) > 0.01f, $"normalised value {v} is too near the kink"));
        Assert.Contains(pre.Data, v => v < 0);
        GradCheck.Check(t => F.BatchNormRelu2d(t[0], t[1], t[2], mean?.Clone(), var?.Clone(), training), inputs, eps: 1e-3f);
    }

    [Fact]
    public void GroupNorm() => GradCheck.Check(t => F.GroupNorm(t[0], 2, t[1], t[2]), [R(1, 2, 8, 3, 3), R(2, 8), R(3, 8)], eps: 1e-3f);

    [Fact]
    public void InstanceNorm() => GradCheck.Check(t => F.InstanceNorm2d(t[0], null, null), [R(1, 2, 3, 4, 4)], eps: 1e-3f);

    [Fact]
    public void ChannelAffine() => GradCheck.Check(t => F.ChannelAffine(t[0], t[1], t[2]), [R(1, 2, 3, 4, 4), R(2, 3), R(3, 3)]);

    [Fact]
    public void Dropout() => GradCheck.Check(t => F.Dropout(t[0], 0.3f, true, new Rng(5)), [R(1, 4, 5)]);

    [Fact] public void Softmax() => GradCheck.Check(t => F.Softmax(t[0], 1), [R(1, 4, 5)]);
    [Fact] public void LogSoftmax() => GradCheck.Check(t => F.LogSoftmax(t[0], 1), [R(1, 4, 5)]);
    [Fact] public void CrossEntropy() => GradCheck.Check(t => F.CrossEntropy(t[0], [1, 0, 4, 2]), [R(1, 4, 5)]);

    /// <summary>Logits far above exp's float range (~88) must give the exact softmax gradient, not NaN: regression for an
    /// unshifted softmax that turned an SP training's gradients to NaN while its loss stayed finite.</summary>
    [Fact]
    public void CrossEntropyGradientStaysFiniteForHugeLogits()
    {
        var logits = new Tensor([500f, 499f, -300f, 1000f, 1000f, 0f], [2, 3]) { RequiresGrad = true };
        var loss = F.CrossEntropy(logits, [1, 0]);
        loss.Backward();
        Assert.Equal((1 + Math.Log(1 + Math.Exp(-1)) + Math.Log(2)) / 2, loss.Item(), 4);
        float e = MathF.Exp(-1) / (1 + MathF.Exp(-1));   // softmax of row 0: [1 - e, e, 0]
        float[] expected = [(1 - e) / 2, (e - 1) / 2, 0f, (0.5f - 1) / 2, 0.5f / 2, 0f];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], logits.Grad!.Data[i], 5);
    }
    [Fact] public void Mse() => GradCheck.Check(t => F.MseLoss(t[0], t[1]), [R(1, 3, 4), R(2, 3, 4)]);
    [Fact] public void L1() => GradCheck.Check(t => F.L1Loss(t[0], t[1]), [R(1, 3, 4), R(2, 3, 4)]);
    [Fact] public void Hinge() => GradCheck.Check(t => F.Hinge(t[0], 0.1f), [AwayFromZero(1, 3, 4)]);
}
