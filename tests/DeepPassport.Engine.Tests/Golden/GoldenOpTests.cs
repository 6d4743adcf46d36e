using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.Golden;

/// <summary>Each operator's forward and backward against PyTorch 1.13 (fixtures under Golden/fixtures).</summary>
public class GoldenOpTests
{
    /// <summary>How to compute `out` from a fixture's inputs (x, y, weight, bias, ... as present).</summary>
    private static readonly Dictionary<string, Func<Golden, Tensor[], Tensor>> Ops = new()
    {
        ["add"] = (_, t) => t[0] + t[1], ["add_bcast_channel"] = (_, t) => t[0] + t[1], ["add_bcast_last"] = (_, t) => t[0] + t[1],
        ["sub"] = (_, t) => t[0] - t[1], ["sub_bcast_channel"] = (_, t) => t[0] - t[1], ["sub_bcast_last"] = (_, t) => t[0] - t[1],
        ["mul"] = (_, t) => t[0] * t[1], ["mul_bcast_channel"] = (_, t) => t[0] * t[1], ["mul_bcast_last"] = (_, t) => t[0] * t[1],
        ["div"] = (_, t) => t[0] / t[1], ["div_bcast_channel"] = (_, t) => t[0] / t[1], ["div_bcast_last"] = (_, t) => t[0] / t[1],
        ["neg"] = (_, t) => -t[0],
        ["add_scalar"] = (g, t) => t[0] + g.MetaFloat("scalar"),
        ["mul_scalar"] = (g, t) => t[0] * g.MetaFloat("scalar"),
        ["exp"] = (_, t) => t[0].Exp(), ["log"] = (_, t) => t[0].Log(), ["sqrt"] = (_, t) => t[0].Sqrt(),
        ["pow"] = (g, t) => t[0].Pow(g.MetaFloat("exponent")), ["abs"] = (_, t) => t[0].Abs(), ["sign"] = (_, t) => t[0].Sign(),
        ["clamp"] = (g, t) => t[0].Clamp(g.MetaFloat("lo"), g.MetaFloat("hi")),
        ["sigmoid"] = (_, t) => t[0].Sigmoid(), ["tanh"] = (_, t) => t[0].Tanh(), ["relu"] = (_, t) => t[0].Relu(),
        ["add_relu"] = (_, t) => t[0].AddRelu(t[1]),
        ["leaky_relu_0p01"] = (g, t) => t[0].LeakyRelu(g.MetaFloat("slope")), ["leaky_relu_0p2"] = (g, t) => t[0].LeakyRelu(g.MetaFloat("slope")),
        ["sum_all"] = (_, t) => t[0].Sum(), ["mean_all"] = (_, t) => t[0].Mean(), ["max_all"] = (_, t) => t[0].Max(),
        ["sum_axis"] = (g, t) => t[0].Sum(g.MetaInt("axis")),
        ["mean_axis"] = (g, t) => t[0].Mean(g.MetaInt("axis"), keepDim: true),
        ["max_axis"] = (g, t) => t[0].Max(g.MetaInt("axis")),
        ["matmul"] = (_, t) => F.MatMul(t[0], t[1]),
        ["linear"] = (_, t) => F.Linear(t[0], t[1], t[2]), ["linear_nobias"] = (_, t) => F.Linear(t[0], t[1], null),
        ["max_pool2d_k2s2"] = Pool(F.MaxPool2d), ["max_pool2d_k3s2p1"] = Pool(F.MaxPool2d),
        ["avg_pool2d_k2s2"] = Pool(F.AvgPool2d), ["avg_pool2d_k3s2p1"] = Pool(F.AvgPool2d),
        ["adaptive_avg_pool2d_1x1"] = (_, t) => F.AdaptiveAvgPool2d1x1(t[0]),
        ["group_norm_c8g2"] = (g, t) => F.GroupNorm(t[0], g.MetaInt("groups"), t[1], t[2], g.MetaFloat("eps")),
        ["group_norm_c32g2"] = (g, t) => F.GroupNorm(t[0], g.MetaInt("groups"), t[1], t[2], g.MetaFloat("eps")),
        ["instance_norm2d"] = (g, t) => F.InstanceNorm2d(t[0], null, null, g.MetaFloat("eps")),
        ["channel_affine"] = (_, t) => F.ChannelAffine(t[0], t[1], t[2]),
        ["softmax"] = (g, t) => F.Softmax(t[0], g.MetaInt("axis")), ["log_softmax"] = (g, t) => F.LogSoftmax(t[0], g.MetaInt("axis")),
        ["cross_entropy"] = (g, t) => F.CrossEntropy(t[0], g.Labels()),
        ["mse_loss"] = (_, t) => F.MseLoss(t[0], t[1]), ["l1_loss"] = (_, t) => F.L1Loss(t[0], t[1]),
        ["hinge"] = (g, t) => F.Hinge(t[0], g.MetaFloat("margin")),
        ["cat"] = (g, t) => Tensor.Cat([t[0], t[1]], g.MetaInt("axis")),
        ["narrow"] = (g, t) => t[0].Narrow(g.MetaInt("axis"), g.MetaInt("start"), g.MetaInt("count")),
        ["haar_dwt"] = (_, t) => F.HaarDwt(t[0]), ["haar_iwt"] = (_, t) => F.HaarIwt(t[0]),
        ["flatten"] = (g, t) => t[0].Flatten(g.MetaInt("start_dim")),
        ["reshape"] = (g, t) => t[0].Reshape(g.Meta("shape").Split(',').Select(int.Parse).ToArray()),
    };

    private static Func<Golden, Tensor[], Tensor> Pool(Func<Tensor, int, int, int, Tensor> pool) =>
        (g, t) => pool(t[0], g.MetaInt("kernel"), g.MetaInt("stride"), g.MetaInt("padding"));

    private static Func<Golden, Tensor[], Tensor> Conv => (g, t) =>
        F.Conv2d(t[0], t[1], t.Length > 2 ? t[2] : null, g.MetaInt("stride"), g.MetaInt("padding"));

    public static TheoryData<string> Names()
    {
        var d = new TheoryData<string>();
        foreach (var k in Ops.Keys) d.Add(k);
        foreach (var k in new[] { "conv2d_k1s1p0", "conv2d_k1s2p0", "conv2d_k3s1p1_bias", "conv2d_k3s2p0_odd", "conv2d_k3s2p1", "conv2d_k5s1p2", "conv2d_k3s1p1_winograd", "conv2d_k3s1p1_f4x3", "conv2d_k5s1p2_winograd", "conv2d_k5s1p2_f4x5",
                     "conv2d_k3s2p1_halving", "conv2d_k1s2p0_halving", "conv2d_k5s2p2_halving" }) d.Add(k);
        return d;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ForwardAndBackwardMatchPyTorch(string name)
    {
        var g = Golden.Load(name);
        var f = name.StartsWith("conv2d", StringComparison.Ordinal) ? Conv : Ops[name];
        string[] inputNames = ["x", "y", "weight", "bias"];
        var present = inputNames.Where(g.Has).ToArray();
        var inputs = present.Select(n => { var t = g.T(n); t.RequiresGrad = true; return t; }).ToArray();
        var outT = f(g, inputs);
        g.AssertClose("out", outT);
        outT.Backward(g.T("grad_out").Reshape(outT.Shape));
        for (int i = 0; i < present.Length; i++)
            if (g.Has("grad_" + present[i])) g.AssertClose("grad_" + present[i], inputs[i].Grad!);
    }

    [Theory]
    [InlineData("batch_norm2d_train_affine")]
    [InlineData("batch_norm2d_train_noaffine")]
    [InlineData("batch_norm2d_eval")]
    [InlineData("batch_norm2d_relu_train")]
    [InlineData("batch_norm2d_relu_eval")]
    public void BatchNormMatchesPyTorch(string name)
    {
        var g = Golden.Load(name);
        bool training = g.Meta("training") == "true";
        var x = g.T("x"); x.RequiresGrad = true;
        Tensor? w = g.Has("weight") ? g.T("weight") : null, b = g.Has("bias") ? g.T("bias") : null;
        if (w is not null) w.RequiresGrad = true;
        if (b is not null) b.RequiresGrad = true;
        var rm = g.T("running_mean"); var rv = g.T("running_var");
        var y = g.Meta("relu") == "true"
            ? F.BatchNormRelu2d(x, w, b, rm, rv, training, g.MetaFloat("momentum"), g.MetaFloat("eps"))
            : F.BatchNorm2d(x, w, b, rm, rv, training, g.MetaFloat("momentum"), g.MetaFloat("eps"));
        g.AssertClose("out", y);
        y.Backward(g.T("grad_out"));
        g.AssertClose("grad_x", x.Grad!);
        if (w is not null) { g.AssertClose("grad_weight", w.Grad!); g.AssertClose("grad_bias", b!.Grad!); }
        if (training) { g.AssertClose("running_mean_after", rm); g.AssertClose("running_var_after", rv); }
    }
}
