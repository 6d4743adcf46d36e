using System.Globalization;
using System.Text.Json;
using DeepPassport.Engine.Imaging;
using DeepPassport.Licensing;

namespace DeepPassport.Cli.Commands;

/// <summary>
/// `deeppassport license issue|verify|list|revoke`: user-side passports (the owner passport with a user's identity
/// hidden in it by the owner's ISN) and the SQLite registry of who holds one. The registry defaults to
/// <c>licenses.db</c> beside the owner vault (or folder).
/// </summary>
public static class LicenseCommand
{
    public const string DefaultRegistryFile = "licenses.db";

    private static string RegistryPath(Options o, string? ownerPath)
    {
        if (o.String("registry") is { } r) return r;
        if (ownerPath is null) throw new UsageException($"{o.Command}: give --registry FILE or --owner (the registry is {DefaultRegistryFile} beside the owner vault).");
        string full = Path.GetFullPath(ownerPath).TrimEnd(Path.DirectorySeparatorChar);
        return Path.Combine(Path.GetDirectoryName(full) ?? ".", DefaultRegistryFile);
    }

    private static Image ReadImage(string path, string option)
    {
        if (!File.Exists(path)) throw new UsageException($"{option} '{path}' does not exist.");
        return ImageFile.Read(path);
    }

    /// <summary>The acceptance thresholds of `license verify`, which `license issue` also holds a new licence to.</summary>
    private static LicenseThresholds Thresholds(Options o)
    {
        var d = new LicenseThresholds();   // the defaults live in one place
        return new LicenseThresholds
        {
            MinPsnr = o.Double("min-psnr", d.MinPsnr, min: 0, max: 200),
            MinSsim = o.Double("min-ssim", d.MinSsim, min: -1, max: 1),
            MinMarginDb = o.Double("min-margin", d.MinMarginDb, min: 0, max: 200),
            MinPassportPsnr = o.Double("min-passport-psnr", d.MinPassportPsnr, min: 0, max: 200),
        };
    }

    public static int Issue(Options o)
    {
        string ownerPath = o.Required("owner"), user = o.Required("user"), idPath = o.Required("id-image"), outPath = o.Required("out");
        string registryPath = RegistryPath(o, ownerPath);
        var thresholds = Thresholds(o);
        bool json = o.Flag("json");
        Passphrase.Declare(o, creating: false);
        o.EnsureAllUsed();
        if (!outPath.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"license issue: --out '{outPath}' must be a .png file: a user-side passport is stored losslessly (JPEG would destroy the hidden identity).");
        if (File.Exists(outPath)) throw new UsageException($"license issue: --out '{outPath}' already exists; nothing is overwritten.");
        var identity = ReadImage(idPath, "--id-image");
        using var registry = LicenseRegistry.Open(registryPath);
        if (registry.Find(user) is not null) throw new UsageException($"license issue: user '{user}' already holds a licence in {registryPath}.");
        var (isn, cover) = UserPassport.OwnerSide(Passphrase.LoadOwner(o, ownerPath), ownerPath);
        var (passport, hidden) = UserPassport.Issue(isn, cover, identity);
        // The licence must pass the test `license verify` will make, or it is not issued.
        var check = IssueCheck.Of(isn, cover, passport, hidden, registry, thresholds);
        if (check.Problem is { } problem)
        {
            if (json) Console.WriteLine(JsonSerializer.Serialize(new { user, issued = false, problem, self_check = SelfCheck(check) }));
            Console.Error.WriteLine($"license issue: refused: the licence of '{user}' would not verify: {problem}. Nothing was registered or written.");
            return 1;
        }
        byte[] png = Png.Encode(passport);
        // Registry first, then the file: a failed write leaves a registered licence that can be revoked, never a passport
        // in the wild that the registry does not know.
        var license = registry.Add(user, hidden, png, DateTimeOffset.UtcNow);
        string temp = outPath + ".tmp";
        File.WriteAllBytes(temp, png);
        File.Move(temp, outPath);
        if (json) Console.WriteLine(JsonSerializer.Serialize(new { user, issued = true, id = license.Id, passport = outPath, passport_sha256 = license.PassportSha256, passport_psnr = check.PassportPsnr, registry = registryPath, self_check = SelfCheck(check) }));
        else Console.WriteLine($"issued licence #{license.Id} to '{user}': {outPath} ({passport.Width}x{passport.Height}, {check.PassportPsnr:F1} dB from the owner passport); " +
            $"it reveals at {check.Psnr:F1} dB, SSIM {check.Ssim:F3}{(check.Nearest is null ? "" : $", {check.MarginDb:F1} dB clear of '{check.Nearest}'")}; registered in {registryPath}");
        return 0;
    }

    private static object SelfCheck(IssueCheck c) => new
    {
        psnr = Finite(c.Psnr), ssim = Finite(c.Ssim), nearest_user = c.Nearest, margin_db = Finite(c.MarginDb),
        nearest_identity_user = c.Twin, nearest_identity_psnr = Finite(c.TwinPsnr), passport_psnr = Finite(c.PassportPsnr),
    };

    public static int Verify(Options o)
    {
        string ownerPath = o.Required("owner"), passportPath = o.Required("passport");
        string registryPath = RegistryPath(o, ownerPath);
        var thresholds = Thresholds(o);
        bool json = o.Flag("json");
        Passphrase.Declare(o, creating: false);
        o.EnsureAllUsed();
        if (!File.Exists(passportPath)) throw new UsageException($"license verify: --passport '{passportPath}' does not exist.");
        if (!File.Exists(registryPath)) throw new UsageException($"license verify: no licence registry at '{registryPath}' (give --registry FILE).");
        byte[] file = File.ReadAllBytes(passportPath);
        var passport = ImageFile.Decode(file, passportPath);
        using var registry = LicenseRegistry.Open(registryPath);
        var (isn, cover) = UserPassport.OwnerSide(Passphrase.LoadOwner(o, ownerPath), ownerPath);
        var check = LicenseVerifier.Verify(isn, cover, passport, file, registry, thresholds);
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                user = check.User, psnr = Finite(check.Psnr), ssim = Finite(check.Ssim), margin_db = Finite(check.MarginDb),
                best_candidate = check.BestCandidate, runner_up = check.RunnerUp, passport_psnr = Finite(check.PassportPsnr),
                passport_registered = check.PassportRegistered, verdict = check.Verdict.ToString().ToLowerInvariant(), reason = check.Reason,
                thresholds = new { min_psnr = thresholds.MinPsnr, min_ssim = thresholds.MinSsim, min_margin_db = thresholds.MinMarginDb, min_passport_psnr = thresholds.MinPassportPsnr },
            }));
        else
        {
            string D(double v) => double.IsFinite(v) ? v.ToString("F2", CultureInfo.InvariantCulture) : v.ToString(CultureInfo.InvariantCulture);
            Console.WriteLine($"revealed identity vs best match '{check.BestCandidate}': PSNR {D(check.Psnr)} dB, SSIM {D(check.Ssim)}; " +
                $"margin over '{check.RunnerUp}' {D(check.MarginDb)} dB; passport vs owner passport {D(check.PassportPsnr)} dB" +
                (check.PassportRegistered ? " (the very file issued)" : ""));
            Console.WriteLine($"verdict: {check.Verdict.ToString().ToLowerInvariant()}: {check.Reason}");
        }
        return check.Verdict == LicenseVerdict.Licensed ? 0 : 1;
    }

    /// <summary>JSON has no infinity: an exact match (infinite PSNR) is written as a large finite number, NaN and −∞ (none) as null.</summary>
    private static double? Finite(double v) => double.IsNaN(v) || double.IsNegativeInfinity(v) ? null : double.IsPositiveInfinity(v) ? 999 : v;

    public static int List(Options o)
    {
        string registryPath = RegistryPath(o, o.String("owner"));
        bool json = o.Flag("json");
        o.EnsureAllUsed();
        if (!File.Exists(registryPath)) throw new UsageException($"license list: no licence registry at '{registryPath}'.");
        using var registry = LicenseRegistry.Open(registryPath);
        var all = registry.List();
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(all.Select(l => new
            {
                id = l.Id, user = l.User, status = l.Status.ToString().ToLowerInvariant(), issued = l.Issued, revoked = l.Revoked,
                identity_sha256 = l.IdentitySha256, passport_sha256 = l.PassportSha256,
            })));
        else
        {
            Console.WriteLine($"{all.Count} licence(s) in {registryPath}");
            foreach (var l in all)
                Console.WriteLine($"  #{l.Id,-4} {l.User,-24} {l.Status.ToString().ToLowerInvariant(),-8} issued {l.Issued:u}{(l.Revoked is { } r ? $", revoked {r:u}" : "")}  passport sha256 {l.PassportSha256[..16]}…");
        }
        return 0;
    }

    public static int Revoke(Options o)
    {
        string user = o.Required("user");
        string registryPath = RegistryPath(o, o.String("owner"));
        o.EnsureAllUsed();
        if (!File.Exists(registryPath)) throw new UsageException($"license revoke: no licence registry at '{registryPath}'.");
        using var registry = LicenseRegistry.Open(registryPath);
        if (!registry.Revoke(user, DateTimeOffset.UtcNow)) throw new UsageException($"license revoke: no licence of user '{user}' in {registryPath}.");
        Console.WriteLine($"revoked the licence of '{user}' in {registryPath}");
        return 0;
    }
}
