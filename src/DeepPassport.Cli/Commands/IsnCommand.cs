using System.Globalization;
using System.Text.Json;
using DeepPassport.Engine.Imaging;
using DeepPassport.Engine.Tensors;
using DeepPassport.Owner;
using DeepPassport.Stego;

namespace DeepPassport.Cli.Commands;

/// <summary>`deeppassport isn train|attach|eval`: the invertible steganographic network that licences are made with.</summary>
public static class IsnCommand
{
    /// <summary>The cover an ISN trained with --owner hides in, kept beside it (the folder is secret: it holds the key).</summary>
    public const string CoverFile = "cover.png";

    /// <summary>Image files of one or more folders (comma-separated), sorted by name within each folder; a .txt file
    /// lists image paths one a line (as the holdout.txt that `isn train` writes).</summary>
    public static List<string> ImageFiles(string folders, string option)
    {
        var files = new List<string>();
        foreach (var dir in folders.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (File.Exists(dir) && dir.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
            {
                var listed = File.ReadAllLines(dir).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
                if (listed.FirstOrDefault(f => !File.Exists(f)) is { } missing) throw new UsageException($"--{option}: '{missing}', listed in {dir}, does not exist.");
                files.AddRange(listed);
                continue;
            }
            if (!Directory.Exists(dir)) throw new UsageException($"--{option}: folder '{dir}' does not exist.");
            var found = Directory.GetFiles(dir).Where(ImageFile.HasImageExtension).Order(StringComparer.Ordinal).ToList();
            if (found.Count == 0) throw new UsageException($"--{option}: folder '{dir}' holds no PNG or JPEG images.");
            files.AddRange(found);
        }
        return files;
    }

    public static int Train(Options o)
    {
        var images = ImageFiles(o.Required("images"), "images");
        string keyPath = o.Required("key"), outDir = o.Required("out");
        int holdout = o.Int("holdout", 4, min: 2);
        var d = new IsnTrainOptions();   // the defaults live in one place
        var options = new IsnTrainOptions
        {
            ImageSize = o.Int("size", d.ImageSize, min: 16, max: 1024),
            Blocks = o.Int("blocks", d.Blocks, min: 1, max: 64),
            Pairs = o.Int("pairs", d.Pairs, min: 1, max: 256),
            Steps = o.Int("steps", d.Steps, min: 1),
            LearningRate = (float)o.Double("lr", d.LearningRate, min: 1e-9, max: 1),
            FinalLearningRateFraction = (float)o.Double("lr-final", d.FinalLearningRateFraction, min: 1e-6, max: 1),
            ClipFactor = (float)o.Double("clip-factor", d.ClipFactor, min: 0, max: 1000),
            LrRecoverSteps = o.Int("lr-recover-steps", d.LrRecoverSteps, min: 0, max: 10_000_000),
            ValidateEvery = o.Int("validate-every", d.ValidateEvery, min: 1),
            WrongKeyWeight = (float)o.Double("wrong-key-weight", d.WrongKeyWeight, min: 0, max: 1000),
            WrongKeyMse = (float)o.Double("wrong-key-mse", d.WrongKeyMse, min: 1e-6, max: 1),
            RevealWeight = (float)o.Double("reveal-weight", d.RevealWeight, min: 1e-6, max: 1000),
            GuideWeight = (float)o.Double("guide-weight", d.GuideWeight, min: 0, max: 1000),
            LowWeight = (float)o.Double("low-weight", d.LowWeight, min: 0, max: 1000),
            SamplePower = (float)o.Double("sample-power", d.SamplePower, min: 1, max: 8),
            KeyTextureWrongKeys = !o.Flag("no-key-texture-wrong-keys"),
            NearKeyWrongKeys = !o.Flag("no-near-key-wrong-keys"),
            KeyVariantWrongKeys = !o.Flag("no-key-variant-wrong-keys"),
            NearKeyMinBlend = (float)o.Double("near-key-blend", d.NearKeyMinBlend, min: 1e-3, max: 0.999),
            Seed = (ulong)o.Int("seed", 0, min: 0),
        };
        // --owner: hide in that owner's passport only (the cover every licence uses), and attach the ISN when done.
        string? ownerPath = o.String("owner");
        if (ownerPath is not null) Passphrase.Declare(o, creating: false);
        var wrongKeyFiles = o.String("wrong-keys") is { } wk ? ImageFiles(wk, "wrong-keys") : [];
        bool json = o.Flag("json");
        o.EnsureAllUsed();
        string? passphrase = null;
        if (ownerPath is not null)
        {
            var (owner, pass) = LoadOwner(o, ownerPath, "isn train");
            RequireSpOwner(owner, ownerPath);
            passphrase = pass;
            options = options with { Cover = owner.OwnerPassport![0] };
        }
        options.Validate();
        if (images.Count < holdout + 2) throw new UsageException($"isn train: --images has {images.Count} images; {holdout} are held out (--holdout), at least 2 must remain to train on.");
        if (File.Exists(Path.Combine(outDir, IsnBundle.WeightsFile))) throw new UsageException($"isn train: '{outDir}' already holds an ISN; choose another --out (a trained ISN is never overwritten).");
        if (!File.Exists(keyPath)) throw new UsageException($"isn train: --key '{keyPath}' does not exist.");
        var key = ImageFile.Read(keyPath);
        if (wrongKeyFiles.Count > 0)
        {
            // A wrong key that is the key would teach the ISN not to reveal with its own key.
            var keyPixels = IsnBundle.PrepareKey(key, options.ImageSize).Pixels;
            var textures = wrongKeyFiles.Select(f => (File: f, Image: ImageFile.Read(f))).ToList();
            if (textures.FirstOrDefault(t => IsnBundle.PrepareKey(t.Image, options.ImageSize).Pixels.AsSpan().SequenceEqual(keyPixels)) is { File: { } same })
                throw new UsageException($"isn train: --wrong-keys holds the key itself ('{same}'); leave the key out of the wrong keys.");
            options = options with { WrongKeyTextures = textures.Select(t => t.Image).ToList() };
        }
        // The last images (in name order) are held out: never trained on, used for validation and for `isn eval`.
        var train = images.Take(images.Count - holdout).Select(ImageFile.Read).ToList();
        var heldOut = images.Skip(images.Count - holdout).ToList();
        Directory.CreateDirectory(outDir);
        File.WriteAllLines(Path.Combine(outDir, "holdout.txt"), heldOut.Select(Path.GetFullPath));
        // Written first, so that `isn eval` of a checkpoint during training measures in the right cover.
        if (options.Cover is not null) Png.Write(Path.Combine(outDir, CoverFile), IsnBundle.Fit(options.Cover, options.ImageSize));
        var metrics = Path.Combine(outDir, "metrics.jsonl");
        File.WriteAllText(metrics, "");
        if (!json) Console.Error.WriteLine($"training an ISN of {options.Blocks} blocks on {train.Count} images ({options.ImageSize}x{options.ImageSize} crops, {options.Pairs} pairs a step, {options.Steps} steps, lr {options.LearningRate}); {holdout} held out; key {keyPath}");
        var bar = new ProgressBar("isn", options.Steps, "steps");
        var started = DateTime.UtcNow;
        var progress = new SyncProgress<IsnProgress>(p =>
        {
            if (p.Message is not null) { Console.Error.WriteLine($"isn train: {p.Message}"); return; }
            if (p.StegoPsnr is { } sp)
            {
                var line = JsonSerializer.Serialize(new { step = p.Step, loss = p.Loss, lr = p.LearningRate, stego_psnr = sp, reveal_psnr = p.RevealPsnr, seconds = (DateTime.UtcNow - started).TotalSeconds });
                File.AppendAllText(metrics, line + "\n");
                if (!json) Console.Error.WriteLine($"step {p.Step}: loss {p.Loss:G4}  stego {sp:F2} dB  revealed {p.RevealPsnr:F2} dB (held-out pairs)");
            }
            if (!json) bar.Report(p.Step, $"loss {p.Loss:G4}");
        });
        IsnProgress? best = null;
        IsnBundle? kept = null;
        new IsnTrainer(options).Train(train, heldOut.Select(ImageFile.Read).ToList(), key, progress, (bundle, report) => { bundle.Save(outDir); kept = bundle; best = report; });
        if (ownerPath is not null && kept is not null) SaveOwner(ownerPath, passphrase, (owner) => owner with { Isn = kept });
        if (json) Console.WriteLine(JsonSerializer.Serialize(new { out_dir = outDir, best_step = best?.Step, stego_psnr = best?.StegoPsnr, reveal_psnr = best?.RevealPsnr }));
        else Console.WriteLine($"kept step {best?.Step} (stego {best?.StegoPsnr:F2} dB, revealed {best?.RevealPsnr:F2} dB); wrote {Path.Combine(outDir, IsnBundle.WeightsFile)}, {IsnBundle.KeyFile}, metrics.jsonl, holdout.txt.\n" +
            (ownerPath is null ? $"The folder is secret (it holds the key): move it into the owner vault with `deeppassport isn attach --owner RUN/owner.vault --isn {outDir}`."
                : $"Attached it to {ownerPath}. The folder holds the same secrets (the key, the cover): delete it or keep it as safely as the vault."));
        return 0;
    }

    public static int Attach(Options o)
    {
        string ownerPath = o.Required("owner"), isnDir = o.Required("isn");
        Passphrase.Declare(o, creating: false);
        o.EnsureAllUsed();
        var bundle = IsnBundle.Load(isnDir);
        var (owner, pass) = LoadOwner(o, ownerPath, "isn attach");
        RequireSpOwner(owner, ownerPath);
        if (bundle.CoverMismatch(owner.OwnerPassport![0]) is { } why) throw new UsageException($"isn attach: --isn '{isnDir}': {why}.");
        SaveOwner(ownerPath, pass, x => x with { Isn = bundle });
        Console.WriteLine($"attached the ISN ({bundle.Network.BlockCount} blocks, {bundle.ImageSize}x{bundle.ImageSize}) and its key to {ownerPath}. '{isnDir}' holds the same secrets: delete it or keep it as safely as the vault.");
        return 0;
    }

    /// <summary>An owner folder (no passphrase) or vault file (passphrase resolved now).</summary>
    private static (OwnerSecrets Owner, string? Passphrase) LoadOwner(Options o, string ownerPath, string command)
    {
        if (Directory.Exists(ownerPath)) return (OwnerSecrets.Load(ownerPath), null);
        if (!File.Exists(ownerPath)) throw new UsageException($"{command}: --owner '{ownerPath}' is neither an owner vault file nor an owner folder.");
        string pass = Passphrase.Resolve(o, creating: false);
        return (OwnerSecrets.LoadVault(ownerPath, pass), pass);
    }

    /// <summary>Re-reads the owner (it may have changed during a long training), applies <paramref name="change"/>, saves it back.</summary>
    private static void SaveOwner(string ownerPath, string? passphrase, Func<OwnerSecrets, OwnerSecrets> change)
    {
        if (passphrase is null) change(OwnerSecrets.Load(ownerPath)).Save(ownerPath);
        else change(OwnerSecrets.LoadVault(ownerPath, passphrase)).SaveVault(ownerPath, passphrase);
    }

    private static void RequireSpOwner(OwnerSecrets owner, string path)
    {
        if (owner.OwnerPassport is not { Count: > 0 })
            throw new UsageException($"--owner '{path}' is not a Steganographic Passport owner (train --scheme sp); only SP owners issue licences.");
    }

    /// <summary>
    /// `isn eval`: quality on images (pairs: secret, cover): PSNR of the 8-bit stego vs the cover, PSNR and SSIM of the revealed
    /// secret, and the revealed secret's PSNR with wrong keys (other textures) and with Gaussian noise as the key.
    /// </summary>
    public static int Eval(Options o)
    {
        string isnDir = o.Required("isn");
        var bundle = IsnBundle.Load(isnDir);
        var images = ImageFiles(o.Required("images"), "images");
        // An ISN trained on one cover (isn train --owner) is measured in that cover: --cover, or the one kept beside it.
        string? coverPath = o.String("cover") ?? (File.Exists(Path.Combine(isnDir, CoverFile)) ? Path.Combine(isnDir, CoverFile) : null);
        var wrongKeys = o.String("wrong-keys") is { } wk ? ImageFiles(wk, "wrong-keys") : [];
        int noiseDraws = o.Int("noise-keys", 5, min: 0, max: 1000);
        int variantDraws = o.Int("key-variants", 0, min: 0, max: 1000);
        bool json = o.Flag("json");
        o.EnsureAllUsed();
        if (images.Count < 2) throw new UsageException("isn eval: --images needs at least 2 images (a secret and a cover).");
        int s = bundle.ImageSize;
        if (coverPath is not null && !File.Exists(coverPath)) throw new UsageException($"isn eval: --cover '{coverPath}' does not exist.");
        if (coverPath is null && bundle.CoverDigest is not null)
            throw new UsageException($"isn eval: '{isnDir}' was trained to hide in one owner passport and has no {CoverFile} beside it: give that passport with --cover.");
        var cover = coverPath is null ? null : ImageFile.Read(coverPath);
        if (cover is not null && bundle.CoverMismatch(cover) is { } why) throw new UsageException($"isn eval: --cover '{coverPath}': {why}.");
        var (secrets, covers) = IsnTrainer.ValidationPairs(images.Select(ImageFile.Read).ToList(), s, cover);
        // A folder of textures may hold the genuine key too: a wrong key is any image other than it.
        var named = wrongKeys.Select(f => (Name: Path.GetFileName(f), Key: IsnBundle.PrepareKey(ImageFile.Read(f), s)))
            .Where(k => !k.Key.Pixels.AsSpan().SequenceEqual(bundle.Key.Pixels)).ToList();
        int wrongImages = named.Count;
        var rng = new Rng(7);
        for (int i = 0; i < noiseDraws; i++) named.Add(($"noise {i + 1}", IsnTrainer.NoiseImage(s, rng)));
        var keys = named.Select(k => k.Key).ToList();
        // The genuine key shifted, turned or recoloured (as isn train draws them): how near the key a key must be to reveal.
        var variantRng = new Rng(8);
        var variants = Enumerable.Range(0, variantDraws).Select(_ => IsnTrainer.KeyVariant(bundle.Key, variantRng)).ToList();
        var variantPsnr = new List<double>();
        var perKey = new double[keys.Count];   // each wrong key's best (highest) reveal PSNR over the pairs
        var stego = new List<double>(); var reveal = new List<double>(); var ssim = new List<double>(); var wrong = new List<double>();
        for (int i = 0; i < secrets.Count; i++)
        {
            Image secret = secrets[i];
            var p = bundle.Network.HideImage(covers[i], secret);
            stego.Add(ImageQuality.Psnr(p, covers[i]));
            var r = bundle.Network.RevealImage(p, bundle.Key);
            reveal.Add(ImageQuality.Psnr(r, secret));
            ssim.Add(ImageQuality.Ssim(r, secret));
            for (int k = 0; k < keys.Count; k++)
            {
                double psnr = ImageQuality.Psnr(bundle.Network.RevealImage(p, keys[k]), secret);
                wrong.Add(psnr);
                perKey[k] = i == 0 ? psnr : Math.Max(perKey[k], psnr);
            }
            foreach (var v in variants) variantPsnr.Add(ImageQuality.Psnr(bundle.Network.RevealImage(p, v), secret));
        }
        // The wrong keys that came closest to revealing: where key sensitivity fails, if it does.
        var worst = Enumerable.Range(0, keys.Count).OrderByDescending(k => perKey[k]).Take(5)
            .Select(k => new { key = named[k].Name, max_psnr = perKey[k] }).ToList();
        var result = new
        {
            pairs = stego.Count,
            stego_psnr_mean = stego.Average(), stego_psnr_min = stego.Min(),
            reveal_psnr_mean = reveal.Average(), reveal_psnr_min = reveal.Min(),
            reveal_ssim_mean = ssim.Average(), reveal_ssim_min = ssim.Min(),
            wrong_keys = wrongImages, noise_keys = noiseDraws, wrong_key_reveals = wrong.Count,
            wrong_key_psnr_mean = wrong.Count > 0 ? wrong.Average() : (double?)null,
            wrong_key_psnr_max = wrong.Count > 0 ? wrong.Max() : (double?)null,
            wrong_key_reveals_at_least_15db = wrong.Count(v => v >= 15),
            wrong_keys_worst = worst,
            key_variants = variantDraws,
            key_variant_psnr_mean = variantPsnr.Count > 0 ? variantPsnr.Average() : (double?)null,
            key_variant_psnr_max = variantPsnr.Count > 0 ? variantPsnr.Max() : (double?)null,
            key_variant_reveals_at_least_15db = variantPsnr.Count(v => v >= 15),
        };
        if (json) Console.WriteLine(JsonSerializer.Serialize(result));
        else
        {
            string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
            Console.WriteLine($"{result.pairs} pairs at {s}x{s}:");
            Console.WriteLine($"  stego vs cover      PSNR mean {F(result.stego_psnr_mean)} dB, min {F(result.stego_psnr_min)} dB");
            Console.WriteLine($"  revealed vs secret  PSNR mean {F(result.reveal_psnr_mean)} dB, min {F(result.reveal_psnr_min)} dB; SSIM mean {result.reveal_ssim_mean:F4}, min {result.reveal_ssim_min:F4}");
            if (wrong.Count > 0)
            {
                Console.WriteLine($"  wrong keys ({keys.Count}: {wrongImages} images, {noiseDraws} noise)  revealed PSNR mean {F(wrong.Average())} dB, max {F(wrong.Max())} dB; {result.wrong_key_reveals_at_least_15db} of {wrong.Count} reveals at 15 dB or more");
                Console.WriteLine($"  closest wrong keys: {string.Join(", ", worst.Select(w => $"{w.key} {F(w.max_psnr)} dB"))}");
            }
            if (variantPsnr.Count > 0)
                Console.WriteLine($"  key variants ({variantDraws}: the key shifted, turned or recoloured)  revealed PSNR mean {F(variantPsnr.Average())} dB, max {F(variantPsnr.Max())} dB; {result.key_variant_reveals_at_least_15db} of {variantPsnr.Count} reveals at 15 dB or more");
        }
        return 0;
    }
}
