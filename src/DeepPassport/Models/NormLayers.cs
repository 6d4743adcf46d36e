using DeepPassport.Engine.Nn;

namespace DeepPassport.Models;

/// <summary>The normalisation after a conv (reference-spec §1.2): BatchNorm2d, GroupNorm with C/16 groups, InstanceNorm2d, or none.</summary>
public static class NormLayers
{
    /// <summary>The layer, or null for <see cref="NormType.None"/>.</summary>
    public static Module? Create(NormType norm, int channels, bool affine) => norm switch
    {
        NormType.Bn => new BatchNorm2d(channels, affine: affine),
        NormType.Gn => new GroupNorm(Math.Max(1, channels / 16), channels, affine: affine),
        NormType.In => new InstanceNorm2d(channels, affine: affine),
        NormType.None => null,
        _ => throw new ArgumentOutOfRangeException(nameof(norm)),
    };
}
