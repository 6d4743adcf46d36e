using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Models;

/// <summary>Creates an architecture by its option name: "alexnet" or "resnet18".</summary>
public static class ModelFactory
{
    /// <summary>The architecture names <see cref="Create(string, int, NormType, ulong, bool)"/> accepts.</summary>
    public static readonly IReadOnlyList<string> Architectures = ["alexnet", "resnet18"];

    /// <summary>A plain model with conv blocks of <paramref name="norm"/>, initialised from <paramref name="seed"/>.</summary>
    public static Module Create(string arch, int numClasses, NormType norm, ulong seed, bool instanceAffine = false)
    {
        var rng = new Rng(seed);
        return Create(arch, numClasses, new PlainConvBlockFactory(norm, rng, instanceAffine), rng);
    }

    /// <summary>A model whose conv blocks come from <paramref name="blocks"/> and other layers from <paramref name="rng"/>.</summary>
    public static Module Create(string arch, int numClasses, IConvBlockFactory blocks, Rng rng) =>
        arch?.Trim().ToLowerInvariant() switch
        {
            "alexnet" => new AlexNetCifar(numClasses, blocks, rng),
            "resnet18" => new ResNet18Cifar(numClasses, blocks, rng),
            _ => throw new ArgumentException($"Unknown architecture '{arch}'; expected one of {string.Join(", ", Architectures)}.", nameof(arch)),
        };
}
