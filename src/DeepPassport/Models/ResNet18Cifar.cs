using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Models;

/// <summary>
/// ResNet-18 for 3x32x32 inputs (reference spec 1.4): stem <c>convbnrelu_1</c> (3→64, 3x3), <c>layer1</c>..<c>layer4</c>
/// of two <see cref="BasicBlock"/>s "0", "1" each (64, 128, 256, 512 channels; first stride 1, 2, 2, 2), global average
/// pooling and <c>linear</c> Linear(512, classes).
/// </summary>
public sealed class ResNet18Cifar : Module
{
    /// <summary>
    /// Builds the network with conv blocks from <paramref name="blocks"/>; the final linear layer's default
    /// initialisation is drawn from <paramref name="rng"/>. <paramref name="width"/> is the stem's channel count
    /// (64 in the papers; the stages use width x 1, 2, 4, 8); smaller widths make small test models.
    /// </summary>
    public ResNet18Cifar(int numClasses, IConvBlockFactory blocks, Rng rng, int width = 64)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numClasses);
        NumClasses = numClasses;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Stem = RegisterModule("convbnrelu_1", blocks.Create("convbnrelu_1", 3, width, 3, 1, 1, relu: true));
        int inChannels = width;
        (int Channels, int Stride)[] stages = [(width, 1), (2 * width, 2), (4 * width, 2), (8 * width, 2)];
        var layers = new Sequential[stages.Length];
        for (int i = 0; i < stages.Length; i++)
        {
            string name = $"layer{i + 1}";
            var (channels, stride) = stages[i];
            layers[i] = RegisterModule(name, new Sequential(
                new BasicBlock($"{name}.0", inChannels, channels, stride, blocks),
                new BasicBlock($"{name}.1", channels, channels, 1, blocks)));
            inChannels = channels;
        }
        Layers = layers;
        Classifier = RegisterModule("linear", new Linear(8 * width, numClasses, rng));
    }

    /// <summary>Builds the plain network (<see cref="ConvBlock"/>s of <paramref name="norm"/>) from one seed.</summary>
    public ResNet18Cifar(int numClasses, NormType norm = NormType.Bn, ulong seed = 0)
        : this(numClasses, new Rng(seed), norm) { }

    private ResNet18Cifar(int numClasses, Rng rng, NormType norm)
        : this(numClasses, new PlainConvBlockFactory(norm, rng), rng) { }

    /// <summary>The number of output classes.</summary>
    public int NumClasses { get; }

    /// <summary>The stem conv block, <c>convbnrelu_1</c>.</summary>
    public Module Stem { get; }

    /// <summary><c>layer1</c> to <c>layer4</c>.</summary>
    public IReadOnlyList<Sequential> Layers { get; }

    /// <summary>The final Linear(512, classes), named <c>linear</c>.</summary>
    public Linear Classifier { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var x = Stem.Forward(input);
        foreach (var layer in Layers) x = layer.Forward(x);
        return Classifier.Forward(F.AdaptiveAvgPool2d1x1(x).Flatten());
    }
}
