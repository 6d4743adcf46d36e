namespace DeepPassport.Models;

/// <summary>The normalisation after each convolution of a conv block (the originals' <c>--norm-type</c>).</summary>
public enum NormType
{
    /// <summary>BatchNorm2d with affine γ, β ("bn").</summary>
    Bn,
    /// <summary>GroupNorm with C / 16 groups (at least 1), affine ("gn").</summary>
    Gn,
    /// <summary>InstanceNorm2d without affine parameters ("in").</summary>
    In,
    /// <summary>No normalisation; the convolution gets a bias instead ("none").</summary>
    None,
}
