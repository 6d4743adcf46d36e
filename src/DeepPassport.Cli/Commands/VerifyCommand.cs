using System.Text.Json;
using DeepPassport.Engine.Data;
using DeepPassport.Engine.IO;
using DeepPassport.Models;
using DeepPassport.Owner;
using DeepPassport.Schemes;
using DeepPassport.Verification;

namespace DeepPassport.Cli.Commands;

/// <summary>
/// `deeppassport verify --deployment FILE --owner VAULT|DIR --data DIR`: runs the suspect's weights through the owner's
/// passports and prints the evidence and a verdict. Exit 0 when ownership is shown, 1 when not.
/// </summary>
public static class VerifyCommand
{
    public static int Run(Options o)
    {
        var deploymentPath = o.Required("deployment");
        var ownerPath = o.Required("owner");
        var dataOption = o.String("data");
        var triggerOption = o.String("trigger");
        int fakeDraws = o.Int("fake-draws", 5, min: 0, max: 1000);
        int fakeImages = o.Int("fake-images", 2000, min: 1);
        ulong seed = (ulong)o.Int("seed", 0, min: 0);
        var defaults = new VerificationThresholds();
        var thresholds = new VerificationThresholds(
            o.Double("min-detection", defaults.MinDetection, min: 0, max: 1),
            o.Double("max-p-value", defaults.MaxPValue, min: 0, max: 1),
            o.Double("min-gap", defaults.MinAccuracyGap, min: -1, max: 1));
        bool json = o.Flag("json");
        Passphrase.Declare(o, creating: false);
        o.EnsureAllUsed();

        var owner = Passphrase.LoadOwner(o, ownerPath);
        var dataDir = DataLocator.Cifar10(dataOption);
        var test = CifarDataset.LoadCifar10(dataDir, train: false);
        IImageDataset? trigger = null;
        string? triggerDir = triggerOption ?? (owner.Scheme == PassportScheme.V3 ? Path.Combine(DataLocator.Root(dataOption), "trigger_set") : null);
        if (triggerDir is not null) trigger = new TriggerSet(triggerDir, owner.NumClasses);
        var (deployment, description) = LoadDeployment(deploymentPath, owner);
        var options = new VerificationOptions(test, Augmentation.Eval(Normalization.Cifar), trigger, fakeDraws, fakeImages, seed, Thresholds: thresholds);
        var report = OwnershipVerifier.Verify(deployment, description, owner, options, deploymentPath, json ? null : VerificationPrinter.Progress());
        VerificationPrinter.Print(report, deploymentPath, ownerPath, json);
        return report.Owned ? 0 : 1;
    }

    /// <summary>A deployment file; one without metadata (from elsewhere) is read as the owner's architecture.</summary>
    public static (Engine.Nn.Module Model, ModelDescription Description) LoadDeployment(string path, OwnerSecrets owner)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"deployment file '{path}' does not exist.", path);
        var meta = SafeTensors.Read(path).Metadata;
        return meta.ContainsKey("arch") ? ModelFile.Load(path) : ModelFile.Load(path, owner.Arch, owner.Norm);
    }
}

/// <summary>Renders a <see cref="VerificationReport"/> as a table or as JSON.</summary>
public static class VerificationPrinter
{
    public static Action<string, int, int> Progress()
    {
        ProgressBar? bar = null;
        return (phase, done, total) =>
        {
            if (done == 0) bar = new ProgressBar(phase, total, "batches");
            else bar?.Report(done);
        };
    }

    public static void Print(VerificationReport r, string deployment, string owner, bool json)
    {
        if (json) { Console.WriteLine(ToJson(r)); return; }
        Console.WriteLine($"ownership verification of {deployment} with the owner's secrets in {owner} (scheme {r.Scheme})");
        Console.WriteLine($"  deployment accuracy      {r.DeploymentAccuracy:P2}");
        Console.WriteLine($"  verification accuracy    {r.VerificationAccuracy:P2}   (the owner's passports)");
        Console.WriteLine($"  signature detection      {r.SignatureDetection:P2}   mean over {r.Layers.Count} layers");
        foreach (var l in r.Layers) Console.WriteLine($"    {l.Path,-22} {l.Matching,5} / {l.Bits,-5} bits  {l.Detection:P1}");
        Console.WriteLine($"  bit error rate           {r.BitErrorRate:P2}");
        Console.WriteLine($"  p-value                  {FormatP(r)}   ({r.MatchingBits} of {r.Bits} bits by chance)");
        Console.WriteLine($"  trigger-set accuracy     {(r.TriggerAccuracy is { } t ? t.ToString("P2") : "-   (no trigger set)")}");
        if (r.FakePassportAccuracies.Count > 0)
            Console.WriteLine($"  random passports         {r.FakePassportAccuracyMean:P2} mean, {r.FakePassportAccuracyMax:P2} max over {r.FakePassportAccuracies.Count} draws ({r.FakePassportImages} images)");
        foreach (var (check, passed) in r.Checks) Console.WriteLine($"  [{(passed ? "pass" : "FAIL")}] {check}");
        Console.WriteLine(r.Owned ? "verdict: OWNED - the model carries the owner's signature and works with the owner's passports"
                                  : "verdict: NOT SHOWN - the evidence does not establish ownership");
    }

    public static string FormatP(VerificationReport r) => r.Log10PValue > -300 ? r.PValue.ToString("G3") : $"1e{r.Log10PValue:F0}";

    public static string ToJson(VerificationReport r) => JsonSerializer.Serialize(new
    {
        scheme = r.Scheme,
        deployment_accuracy = r.DeploymentAccuracy,
        verification_accuracy = r.VerificationAccuracy,
        signature_detection = r.SignatureDetection,
        layers = r.Layers.Select(l => new { path = l.Path, bits = l.Bits, matching = l.Matching, detection = l.Detection }),
        bit_error_rate = r.BitErrorRate,
        p_value = r.PValue,
        log10_p_value = double.IsNegativeInfinity(r.Log10PValue) ? -1e308 : r.Log10PValue,
        trigger_accuracy = r.TriggerAccuracy,
        fake_passport_accuracy_mean = r.FakePassportAccuracies.Count == 0 ? (double?)null : r.FakePassportAccuracyMean,
        fake_passport_accuracy_max = r.FakePassportAccuracies.Count == 0 ? (double?)null : r.FakePassportAccuracyMax,
        fake_passport_draws = r.FakePassportAccuracies.Count,
        fake_passport_images = r.FakePassportImages,
        thresholds = new { min_detection = r.Thresholds.MinDetection, max_p_value = r.Thresholds.MaxPValue, min_accuracy_gap = r.Thresholds.MinAccuracyGap },
        checks = r.Checks.Select(c => new { check = c.Check, passed = c.Passed }),
        verdict = r.Verdict,
    });
}
