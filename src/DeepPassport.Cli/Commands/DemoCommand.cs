using System.Text.Json;
using DeepPassport.Engine.Data;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;
using DeepPassport.Owner;
using DeepPassport.Passports;
using DeepPassport.Schemes;
using DeepPassport.Training;
using DeepPassport.Verification;

namespace DeepPassport.Cli.Commands;

/// <summary>
/// `deeppassport demo`, the whole story on built-in data (no download): train a DeepIPR V2 passport-protected
/// AlexNetCifar (batch norm, random passports in the last three convs: the configuration measured on CIFAR-10 in
/// docs/deepipr.md) on synthetic patterns, export the deployment package and the owner's secrets, verify ownership with
/// the genuine passports, then show that a forger's passports and signature do not. `--data` switches to CIFAR-10.
/// </summary>
public static class DemoCommand
{
    public static int Run(Options o)
    {
        var outDir = o.String("out", Path.Combine(Environment.CurrentDirectory, "demo-run"));
        int epochs = o.Int("epochs", 2, min: 1);
        int trainImages = o.Int("train-images", 2000, min: 64);
        int testImages = o.Int("test-images", 1000, min: 10);
        ulong seed = (ulong)o.Int("seed", 0, min: 0);
        var norm = NormTypes.Parse(o.Choice("norm", "bn", "bn", "gn", "in", "none"));
        var protection = ProtectionOptions.Parse(o, "alexnet", schemeFallback: "v2", keyTypeFallback: "random")
            ?? throw new UsageException("demo: the demo protects its model; --scheme none has nothing to show.");
        bool json = o.Flag("json");
        var dataOption = o.String("data");
        // The papers' 0.01 on CIFAR-10; the synthetic patterns' hard edges make 0.01 diverge with batch norm, 0.005 does not.
        float lr = (float)o.Double("lr", dataOption is null ? 0.005 : 0.01, min: 0);
        Passphrase.Declare(o, creating: true);
        o.EnsureAllUsed();
        // The demo must run unattended: without --passphrase-file or DEEPPASSPORT_PASSPHRASE it makes a random
        // passphrase and writes it beside the vault (fine for a demo; a real owner keeps it elsewhere).
        var (passphrase, passphraseFile) = o.Flag("owner-folder") || Passphrase.Given(o)
            ? (Passphrase.ForNewVault(o, protectedRun: true), null)
            : RandomPassphrase(outDir);

        IImageDataset train, test;
        IEnumerable<string> files = [];
        string? dataRoot = null;
        if (dataOption is not null)
        {
            var dir = DataLocator.Cifar10(dataOption);
            dataRoot = DataLocator.Root(dataOption);
            train = CifarDataset.LoadCifar10(dir, train: true, trainBatches: 1);
            test = CifarDataset.LoadCifar10(dir, train: false);
            files = DataLocator.Cifar10Files(dir, 1);
        }
        else
        {
            train = new SyntheticShapes(trainImages, seed: 1);
            test = new SyntheticShapes(testImages, seed: 2);
        }
        var testAug = Augmentation.Eval(Normalization.Cifar);
        var options = new TrainOptions { Epochs = epochs, Seed = seed, LearningRate = lr };
        var trigger = protection.Trigger(dataRoot, train.ClassCount);
        var (model, ownerPassport) = protection.CreateModel("alexnet", train.ClassCount, norm, seed, test, dataRoot);
        var description = new ModelDescription("alexnet", norm, train.ClassCount);
        var manifest = RunManifest.Create("demo", Environment.GetCommandLineArgs().Skip(1).ToList(), seed, files, description.Settings(options));
        void Say(string s) { if (!json) Console.WriteLine(s); }

        Say($"DeepPassport demo on {train.Count} {(dataOption is null ? "synthetic pattern" : "CIFAR-10")} images ({test.Count} held out).");
        Say($"1. Protect: train AlexNetCifar (norm {norm.ToOptionString()}, {protection.Describe()}) for {epochs} epochs.");
        var result = TrainingRun.Execute(model, train, test, Augmentation.CifarTrain, testAug, trigger, options, outDir, manifest, json);

        Say($"2. Ship: split the model into the deployment package and the owner's secrets.");
        protection.SaveArtefacts(outDir, model, seed, ownerPassport, passphrase);
        string deploymentPath = Path.Combine(outDir, RunArtefacts.DeploymentFile), ownerDir = RunArtefacts.OwnerPath(outDir, passphrase);
        Say($"   {deploymentPath}: a plain AlexNetCifar anyone can load; no passport, private parameter or signature in it.");
        Say(passphrase is null ? $"   {ownerDir}/: the passports, signatures and passport config, unencrypted - keep these secret."
            : $"   {ownerDir}: the passports, signatures and passport config, encrypted (AES-256-GCM, PBKDF2 key) - keep it and its passphrase secret.");
        if (passphraseFile is not null) Say($"   the demo's random passphrase is in {passphraseFile}; a real owner keeps it apart from the vault.");

        Say("3. Verify ownership of the deployment with the genuine passports (read back from what was written):");
        var owner = passphrase is null ? OwnerSecrets.Load(ownerDir) : OwnerSecrets.LoadVault(ownerDir, passphrase);
        var (deployment, loaded) = VerifyCommand.LoadDeployment(deploymentPath, owner);
        var verifyOptions = new VerificationOptions(test, testAug, trigger?.Set, FakeDraws: 3, FakeImages: Math.Min(1000, test.Count), Seed: seed);
        var genuine = OwnershipVerifier.Verify(deployment, loaded, owner, verifyOptions, deploymentPath);
        if (!json) VerificationPrinter.Print(genuine, deploymentPath, ownerDir, json: false);

        Say("4. A forger claims the same model with passports and a signature of their own:");
        var forger = Forge(owner, seed);
        var forged = OwnershipVerifier.Verify(deployment, loaded, forger, verifyOptions with { FakeDraws = 0 }, deploymentPath);
        Say($"   verification accuracy {forged.VerificationAccuracy:P2} (genuine {genuine.VerificationAccuracy:P2}), signature detection {forged.SignatureDetection:P1}, " +
            $"p-value {VerificationPrinter.FormatP(forged)} -> {(forged.Owned ? "OWNED (unexpected)" : "NOT SHOWN")}");

        bool ok = genuine.Owned && !forged.Owned;
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                out_dir = outDir,
                deployment = deploymentPath,
                owner = ownerDir,
                passphrase_file = passphraseFile,
                best_epoch = result.BestEpoch,
                genuine = JsonDocument.Parse(VerificationPrinter.ToJson(genuine)).RootElement,
                forged = JsonDocument.Parse(VerificationPrinter.ToJson(forged)).RootElement,
                demonstrated = ok,
            }));
        else
            Say(ok ? $"Done: the genuine owner is recognised, the forger is not. Files in {outDir}."
                   : $"The demo did not separate owner and forger (train longer: --epochs). Files in {outDir}.");
        return ok ? 0 : 1;
    }

    /// <summary>A fresh random passphrase, written to OUT/demo-passphrase.txt so the demo's owner can open the vault later.</summary>
    private static (string Passphrase, string File) RandomPassphrase(string outDir)
    {
        var passphrase = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18));
        Directory.CreateDirectory(outDir);
        var file = Path.Combine(outDir, "demo-passphrase.txt");
        File.WriteAllText(file, passphrase + "\n");
        return (passphrase, file);
    }

    /// <summary>Someone else's secrets for the owner's design: fresh random passports and random signatures.</summary>
    private static OwnerSecrets Forge(OwnerSecrets owner, ulong seed)
    {
        var rng = new Rng(seed ^ 0xF0_26E5UL);
        var keys = owner.Keys.Select(k => new LayerKey(k.Path, Tensor.Rand(rng, -1, 1, k.PassportBeta.Shape), Tensor.Rand(rng, -1, 1, k.PassportGamma.Shape),
            Signature.Random(k.Signature.Length, rng))).ToList();
        return owner with { Keys = keys, OwnerPassport = null };
    }
}
