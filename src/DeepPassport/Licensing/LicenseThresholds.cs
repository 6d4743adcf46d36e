namespace DeepPassport.Licensing;

/// <summary>
/// When a revealed identity counts as a registered user's. The reference code has none (reference-spec §4.3); these follow
/// its product recommendation: genuine reveals reach well above 30 dB, a wrong key or noise stays far below 15 dB.
/// </summary>
public sealed record LicenseThresholds
{
    /// <summary>PSNR (dB) of the revealed identity against the registered one.</summary>
    public double MinPsnr { get; init; } = 30;

    /// <summary>SSIM of the revealed identity against the registered one.</summary>
    public double MinSsim { get; init; } = 0.9;

    /// <summary>The best match must beat the runner-up by this many dB, so one licence never fits two users.</summary>
    public double MinMarginDb { get; init; } = 3;

    /// <summary>PSNR (dB) of the presented passport against the owner passport: a forged passport drifts away from it.</summary>
    public double MinPassportPsnr { get; init; } = 25;
}
