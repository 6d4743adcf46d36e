using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.Nn;

/// <summary>conv(3→4, 3x3) → BN → ReLU → flatten → linear(4·4·4 → 2), on 6x6 inputs.</summary>
internal sealed class TinyNet : Module
{
    public TinyNet(ulong seed = 1)
    {
        var rng = new Rng(seed);
        Features = RegisterModule("features", new Sequential(new Conv2d(3, 4, 3, rng), new BatchNorm2d(4), new ReLU()));
        Classifier = RegisterModule("classifier", new Linear(64, 2, rng));
    }

    public Sequential Features { get; }
    public Linear Classifier { get; }

    public override Tensor Forward(Tensor input) => Classifier.Forward(Features.Forward(input).Flatten());

    public static readonly string[] StateNames =
    [
        "features.0.weight", "features.0.bias",
        "features.1.weight", "features.1.bias", "features.1.running_mean", "features.1.running_var", "features.1.num_batches_tracked",
        "classifier.weight", "classifier.bias",
    ];
}
