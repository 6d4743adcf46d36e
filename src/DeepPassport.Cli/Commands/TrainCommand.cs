using DeepPassport.Engine.Data;
using DeepPassport.Models;
using DeepPassport.Owner;
using DeepPassport.Passports;
using DeepPassport.Schemes;
using DeepPassport.Training;

namespace DeepPassport.Cli.Commands;

/// <summary>
/// `deeppassport train`: the papers' recipe on CIFAR-10 (SGD 0.01, momentum 0.9, wd 5e-4, batch 64, random crop
/// with padding 4 + horizontal flip, CIFAR mean/std), evaluating on the full test set after every epoch. A plain
/// model by default (writes model.safetensors); with --scheme v1|v2|v3|pan|sp a passport model (writes
/// deployment.safetensors and the encrypted owner.vault, or the plain owner/ folder with --owner-folder).
/// </summary>
public static class TrainCommand
{
    public static int Run(Options o)
    {
        var arch = o.Choice("arch", "alexnet", ModelFactory.Architectures.ToArray());
        var norm = NormTypes.Parse(o.Choice("norm", "bn", "bn", "gn", "in", "none"));
        var protection = ProtectionOptions.Parse(o, arch);
        Passphrase.Declare(o, creating: true);
        int trainBatches = o.Int("train-batches", 5, min: 1, max: 5);
        var options = new TrainOptions
        {
            Epochs = o.Int("epochs", 5, min: 1),
            BatchSize = o.Int("batch-size", 64, min: 1),
            LearningRate = (float)o.Double("lr", 0.01, min: 0),
            WeightDecay = (float)o.Double("weight-decay", 5e-4, min: 0),
            Seed = (ulong)o.Int("seed", 0, min: 0),
            Milestones = ParseMilestones(o.String("milestones")),
            RecalibrationBatches = o.Int("recalibration-batches", new TrainOptions().RecalibrationBatches, min: 0),
        };
        var outDir = o.Required("out");
        bool json = o.Flag("json");
        var dataOption = o.String("data");
        o.EnsureAllUsed();
        if (protection is not null && RunArtefacts.ExistingSecrets(outDir) is { } existing)
            throw new UsageException($"train: '{existing}' already holds owner secrets, perhaps the only proof of a model already shipped; " +
                "choose another --out or move them away first. Nothing was written.");
        var passphrase = Passphrase.ForNewVault(o, protection is not null);   // asked now, not after hours of training
        var dataDir = DataLocator.Cifar10(dataOption);

        var train = CifarDataset.LoadCifar10(dataDir, train: true, trainBatches);
        var test = CifarDataset.LoadCifar10(dataDir, train: false);
        var trigger = protection?.Trigger(DataLocator.Root(dataOption), train.ClassCount);
        IReadOnlyList<Engine.Imaging.Image>? ownerPassport = null;
        IBranchedModel model;
        if (protection is null) model = new PlainModel(ModelFactory.Create(arch, train.ClassCount, norm, options.Seed));
        else (model, ownerPassport) = protection.CreateModel(arch, train.ClassCount, norm, options.Seed, test, DataLocator.Root(dataOption));
        var description = new ModelDescription(arch, norm, train.ClassCount);
        var settings = description.Settings(options);
        if (protection is not null)
        {
            settings["scheme"] = protection.Scheme.ToString().ToLowerInvariant();
            settings["passport_config"] = protection.Config.ToJson();
            settings["key_type"] = protection.KeyType.ToOptionString();
            settings["sign_loss"] = protection.SignLossAlpha.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var dataFiles = DataLocator.Cifar10Files(dataDir, trainBatches);
        var manifest = RunManifest.Create("train", Environment.GetCommandLineArgs().Skip(1).ToList(), options.Seed, dataFiles, settings);
        if (!json)
            Console.WriteLine($"training {arch} (norm {norm.ToOptionString()}{(protection is null ? "" : ", " + protection.Describe())}) on {train.Count} CIFAR-10 images, " +
                $"testing on {test.Count}; {options.Epochs} epochs, batch {options.BatchSize}{(trigger is null ? "" : $" + {trigger.PerBatch} trigger samples")}, seed {options.Seed}");
        var result = TrainingRun.Execute(model, train, test, Augmentation.CifarTrain, Augmentation.Eval(Normalization.Cifar), trigger, options, outDir, manifest, json);
        IReadOnlyList<string> files;
        if (protection is null)
        {
            ModelFile.Save(Path.Combine(outDir, "model.safetensors"), model.Network, description);
            files = ["model.safetensors"];
        }
        else
        {
            protection.SaveArtefacts(outDir, (PassportModel)model, options.Seed, ownerPassport, passphrase);
            files = [RunArtefacts.DeploymentFile, passphrase is null ? RunArtefacts.OwnerFolder + "/" : RunArtefacts.OwnerVaultFile];
        }
        TrainingRun.PrintSummary(outDir, result, files, json);
        return 0;
    }

    private static IReadOnlyList<int> ParseMilestones(string? s)
    {
        if (string.IsNullOrWhiteSpace(s)) return [];
        try { return s.Split(',').Select(int.Parse).ToArray(); }
        catch (FormatException) { throw new UsageException($"train: --milestones must be comma-separated epochs like 100,150, got '{s}'."); }
    }
}
