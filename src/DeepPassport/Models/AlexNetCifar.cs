using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Models;

/// <summary>
/// AlexNet for 3x32x32 inputs (reference spec 1.3): <c>features</c> = conv blocks "0" (3→64, 5/1/2),
/// "2" (64→192, 5/1/2), "4" (192→384, 3/1/1), "5" (384→256), "6" (256→256) with MaxPool(2, 2) at "1", "3", "7";
/// then flatten and <c>classifier</c> Linear(4096, classes).
/// </summary>
public sealed class AlexNetCifar : Module
{
    /// <summary>The indices of the conv blocks inside <c>features</c>, which are the passport config keys.</summary>
    public static readonly IReadOnlyList<string> ConvBlockPaths = ["features.0", "features.2", "features.4", "features.5", "features.6"];

    /// <summary>
    /// Builds the network with conv blocks from <paramref name="blocks"/>; the classifier's default initialisation
    /// is drawn from <paramref name="rng"/>.
    /// </summary>
    public AlexNetCifar(int numClasses, IConvBlockFactory blocks, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numClasses);
        NumClasses = numClasses;
        Features = RegisterModule("features", new Sequential(
            blocks.Create("features.0", 3, 64, 5, 1, 2, relu: true),
            new MaxPool2d(2, 2),
            blocks.Create("features.2", 64, 192, 5, 1, 2, relu: true),
            new MaxPool2d(2, 2),
            blocks.Create("features.4", 192, 384, 3, 1, 1, relu: true),
            blocks.Create("features.5", 384, 256, 3, 1, 1, relu: true),
            blocks.Create("features.6", 256, 256, 3, 1, 1, relu: true),
            new MaxPool2d(2, 2)));
        Classifier = RegisterModule("classifier", new Linear(4 * 4 * 256, numClasses, rng));
    }

    /// <summary>Builds the plain network (<see cref="ConvBlock"/>s of <paramref name="norm"/>) from one seed.</summary>
    public AlexNetCifar(int numClasses, NormType norm = NormType.Bn, ulong seed = 0)
        : this(numClasses, new Rng(seed), norm) { }

    private AlexNetCifar(int numClasses, Rng rng, NormType norm)
        : this(numClasses, new PlainConvBlockFactory(norm, rng), rng) { }

    /// <summary>The number of output classes.</summary>
    public int NumClasses { get; }

    /// <summary>The convolutional trunk, [N, 3, 32, 32] to [N, 256, 4, 4].</summary>
    public Sequential Features { get; }

    /// <summary>The final Linear(4096, classes).</summary>
    public Linear Classifier { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Classifier.Forward(Features.Forward(input).Flatten());
}
