using DeepPassport.Engine.Tensors;

namespace DeepPassport.Passports;

/// <summary>
/// The owner's secrets for one passport layer: the passports P_beta (the original's <c>key</c>) and P_gamma
/// (<c>skey</c>), each [n, C_in, H, W], and the signature b carried by sign(gamma).
/// </summary>
public sealed record LayerKey(string Path, Tensor PassportBeta, Tensor PassportGamma, Signature Signature)
{
    /// <summary>The same layer with other passports (a forgery, or random passports for a baseline).</summary>
    public LayerKey WithPassports(Tensor beta, Tensor gamma) => this with { PassportBeta = beta, PassportGamma = gamma };
}
