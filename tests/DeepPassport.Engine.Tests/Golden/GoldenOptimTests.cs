using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Optim;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.Golden;

/// <summary>SGD, Adam, MultiStepLR and gradient clipping against torch.optim on the same gradients.</summary>
public class GoldenOptimTests
{
    /// <summary>Applies g0, g1, g2 in turn and compares the parameter after each step with PyTorch's.</summary>
    private static void CheckSteps(Golden g, Func<Parameter, Optimizer> make, string prefix)
    {
        var p = new Parameter(g.T("p0"));
        var opt = make(p);
        for (int t = 0; t < 3; t++)
        {
            p.Grad = g.T($"g{t}");
            opt.Step();
            g.AssertClose($"{prefix}_step{t + 1}", p.Value);
        }
    }

    [Fact]
    public void SgdAndNesterovMatchTorch()
    {
        var g = Golden.Load("sgd");
        float lr = g.MetaFloat("lr"), m = g.MetaFloat("momentum");
        CheckSteps(g, p => new Sgd([p], lr, m, g.MetaFloat("sgd_weight_decay")), "sgd");
        CheckSteps(g, p => new Sgd([p], lr, m, g.MetaFloat("nesterov_weight_decay"), nesterov: true), "nesterov");
    }

    [Fact]
    public void AdamMatchesTorch()
    {
        var g = Golden.Load("adam");
        float lr = g.MetaFloat("lr"), b1 = g.MetaFloat("beta1"), b2 = g.MetaFloat("beta2"), eps = g.MetaFloat("eps");
        CheckSteps(g, p => new Adam([p], lr, b1, b2, eps, g.MetaFloat("adam_weight_decay")), "adam");
        CheckSteps(g, p => new Adam([p], lr, b1, b2, eps, g.MetaFloat("adam_wd_weight_decay")), "adam_wd");
    }

    [Fact]
    public void MultiStepLRMatchesTorch()
    {
        var g = Golden.Load("multistep_lr");
        var p = new Parameter(Tensor.Zeros(1));
        var opt = new Sgd([p], g.MetaFloat("base_lr"));
        var schedule = new MultiStepLR(opt, g.Meta("milestones").Split(',').Select(int.Parse), g.MetaFloat("gamma"));
        var lrs = new Tensor(g.T("lrs").Size);
        for (int epoch = 0; epoch < lrs.Size; epoch++) { lrs.Data[epoch] = opt.LearningRate; schedule.Step(); }
        g.AssertClose("lrs", lrs, 1e-6);
    }

    [Fact]
    public void ClipGradNormMatchesTorch()
    {
        var g = Golden.Load("clip_grad_norm");
        var a = new Parameter(Tensor.Zeros(g.T("g_a").Shape)) { Grad = g.T("g_a") };
        var b = new Parameter(Tensor.Zeros(g.T("g_b").Shape)) { Grad = g.T("g_b") };
        float total = GradClip.ClipGradNorm([a, b], g.MetaFloat("max_norm"));
        g.AssertClose("total_norm", Tensor.Scalar(total));
        g.AssertClose("clipped_a", a.Grad!);
        g.AssertClose("clipped_b", b.Grad!);
    }
}
