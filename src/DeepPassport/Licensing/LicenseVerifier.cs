using DeepPassport.Engine.Imaging;
using DeepPassport.Stego;

namespace DeepPassport.Licensing;

/// <summary>
/// License verification (reference-spec §4.3): reveal I'_u = IWT(ISN⁻¹([DWT(p_u), DWT(k_s)])[12:24]) with the owner's key,
/// compare it with every registered identity by PSNR and SSIM, and name the user only if the best match passes the
/// thresholds, beats the runner-up by the margin, and the passport itself still looks like the owner passport.
/// </summary>
public static class LicenseVerifier
{
    public static LicenseCheck Verify(IsnBundle isn, Image cover, Image passport, byte[] passportFile, LicenseRegistry registry, LicenseThresholds? thresholds = null)
    {
        thresholds ??= new LicenseThresholds();
        var revealed = UserPassport.Reveal(isn, passport);
        double passportPsnr = UserPassport.Fidelity(isn, cover, passport);
        var scored = registry.Identities()
            .Select(e => (e.License, Psnr: ImageQuality.Psnr(revealed, e.Identity), Ssim: ImageQuality.Ssim(revealed, e.Identity)))
            .OrderByDescending(s => s.Psnr).ToList();
        bool registered = registry.FindByPassportHash(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(passportFile))) is not null;
        if (scored.Count == 0)
            return new LicenseCheck(null, double.NaN, double.NaN, null, null, double.NaN, passportPsnr, registered, LicenseVerdict.Unknown, "the registry holds no licences", thresholds);
        var best = scored[0];
        double margin = scored.Count > 1 ? best.Psnr - scored[1].Psnr : double.PositiveInfinity;
        string? reason =
            best.Psnr < thresholds.MinPsnr ? $"the revealed identity matches no registered user (best PSNR {best.Psnr:F1} dB < {thresholds.MinPsnr} dB)" :
            best.Ssim < thresholds.MinSsim ? $"the revealed identity matches no registered user (best SSIM {best.Ssim:F3} < {thresholds.MinSsim})" :
            margin < thresholds.MinMarginDb ? $"the revealed identity fits two users ('{best.License.User}' and '{scored[1].License.User}', {margin:F1} dB apart < {thresholds.MinMarginDb} dB)" :
            passportPsnr < thresholds.MinPassportPsnr ? $"the passport is not the owner passport ({passportPsnr:F1} dB from it < {thresholds.MinPassportPsnr} dB): forged or altered" :
            null;
        var verdict = reason is not null ? LicenseVerdict.Unknown : best.License.Status == LicenseStatus.Revoked ? LicenseVerdict.Revoked : LicenseVerdict.Licensed;
        reason ??= verdict == LicenseVerdict.Revoked ? $"the licence of '{best.License.User}' was revoked" : $"licensed to '{best.License.User}'";
        return new LicenseCheck(verdict == LicenseVerdict.Unknown ? null : best.License.User, best.Psnr, best.Ssim, best.License.User,
            scored.Count > 1 ? scored[1].License.User : null, margin, passportPsnr, registered, verdict, reason, thresholds);
    }
}
