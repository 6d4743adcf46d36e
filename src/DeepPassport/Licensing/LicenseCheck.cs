namespace DeepPassport.Licensing;

/// <summary>The verdict on a presented user-side passport.</summary>
public enum LicenseVerdict { Licensed, Revoked, Unknown }

/// <summary>
/// What <see cref="LicenseVerifier"/> found: the registered user whose identity the revealed image matches best, how well
/// (PSNR, SSIM), the margin over the runner-up, how close the passport is to the owner passport, and the verdict with the
/// thresholds used. <see cref="User"/> is null when no user matches.
/// </summary>
public sealed record LicenseCheck(
    string? User,
    double Psnr,
    double Ssim,
    string? BestCandidate,
    string? RunnerUp,
    double MarginDb,
    double PassportPsnr,
    bool PassportRegistered,
    LicenseVerdict Verdict,
    string Reason,
    LicenseThresholds Thresholds);
