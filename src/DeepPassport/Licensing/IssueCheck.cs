using DeepPassport.Engine.Imaging;
using DeepPassport.Stego;

namespace DeepPassport.Licensing;

/// <summary>
/// The check a new licence passes before it is registered: its user-side passport, as the PNG holds it, must pass the
/// very test <see cref="LicenseVerifier"/> will make later. A passport that would be answered "unknown" on its first
/// verification is worse than none: the user holds a licence nobody can confirm. What fails it: an identity the ISN
/// hides poorly (reveal under the PSNR or SSIM threshold), a revealed identity too near a registered user's (under the
/// margin), an identity image too near a registered user's own, or a passport too far from the owner passport.
/// The third protects the licences already issued: an earlier user's passport reveals its identity at about the new
/// reveal's PSNR p, and with the two identity images t dB apart its reveal lies about 10·log10(1 + 10^((p − t)/10)) dB
/// nearer its own image than the new one (errors adding as independent noise); t ≤ p − margin keeps that over the margin.
/// </summary>
/// <param name="Psnr">PSNR (dB) of the identity revealed from the new passport against the identity hidden in it.</param>
/// <param name="Ssim">SSIM of the same pair.</param>
/// <param name="Nearest">The registered user whose identity the revealed one is nearest, or null when none is registered.</param>
/// <param name="MarginDb">Psnr minus the PSNR of the revealed identity against <see cref="Nearest"/>'s (+∞ with none).</param>
/// <param name="Twin">The registered user whose identity image is nearest the new one, or null.</param>
/// <param name="TwinPsnr">PSNR (dB) between the new identity image and <see cref="Twin"/>'s (−∞ with none).</param>
/// <param name="PassportPsnr">PSNR (dB) of the new passport against the owner passport.</param>
/// <param name="Problem">Why the licence would not verify, or null when it would.</param>
public sealed record IssueCheck(double Psnr, double Ssim, string? Nearest, double MarginDb, string? Twin, double TwinPsnr, double PassportPsnr, string? Problem)
{
    /// <summary>Checks the passport <paramref name="passport"/> that hides <paramref name="identity"/> (both S x S) against
    /// the licences already in <paramref name="registry"/>.</summary>
    public static IssueCheck Of(IsnBundle isn, Image cover, Image passport, Image identity, LicenseRegistry registry, LicenseThresholds thresholds)
    {
        var revealed = UserPassport.Reveal(isn, passport);
        double psnr = ImageQuality.Psnr(revealed, identity), ssim = ImageQuality.Ssim(revealed, identity);
        double passportPsnr = UserPassport.Fidelity(isn, cover, passport);
        string? nearest = null, twin = null;
        double nearestPsnr = double.NegativeInfinity, twinPsnr = double.NegativeInfinity;
        foreach (var (license, other) in registry.Identities())
        {
            double r = ImageQuality.Psnr(revealed, other), t = ImageQuality.Psnr(identity, other);
            if (r > nearestPsnr) (nearest, nearestPsnr) = (license.User, r);
            if (t > twinPsnr) (twin, twinPsnr) = (license.User, t);
        }
        double margin = psnr - nearestPsnr;
        string? problem =
            psnr < thresholds.MinPsnr ? $"the identity reveals at {psnr:F1} dB < {thresholds.MinPsnr} dB (an image this ISN hides poorly: try another photo)" :
            ssim < thresholds.MinSsim ? $"the identity reveals at SSIM {ssim:F3} < {thresholds.MinSsim} (an image this ISN hides poorly: try another photo)" :
            twinPsnr > psnr - thresholds.MinMarginDb ? $"the identity image is {twinPsnr:F1} dB from user '{twin}''s, nearer than its own reveal ({psnr:F1} dB) less the margin ({thresholds.MinMarginDb} dB): a passport of either would fit both" :
            margin < thresholds.MinMarginDb ? $"the revealed identity is only {margin:F1} dB nearer its own image than user '{nearest}''s (< {thresholds.MinMarginDb} dB)" :
            passportPsnr < thresholds.MinPassportPsnr ? $"the passport is {passportPsnr:F1} dB from the owner passport (< {thresholds.MinPassportPsnr} dB)" :
            null;
        return new IssueCheck(psnr, ssim, nearest, margin, twin, twinPsnr, passportPsnr, problem);
    }
}
