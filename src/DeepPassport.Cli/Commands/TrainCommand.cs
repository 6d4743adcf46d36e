using DeepPassport.Engine.Data;
using DeepPassport.Models;
using DeepPassport.Training;

namespace DeepPassport.Cli.Commands;

/// <summary>
/// `deeppassport train`: the papers' recipe on CIFAR-10 (SGD 0.01, momentum 0.9, wd 5e-4, batch 64, random crop
/// with padding 4 + horizontal flip, CIFAR mean/std), evaluating on the full test set after every epoch.
/// </summary>
public static class TrainCommand
{
    public static int Run(Options o)
    {
        var arch = o.Choice("arch", "alexnet", ModelFactory.Architectures.ToArray());
        var norm = NormTypes.Parse(o.Choice("norm", "bn", "bn", "gn", "in", "none"));
        int trainBatches = o.Int("train-batches", 5, min: 1, max: 5);
        var options = new TrainOptions
        {
            Epochs = o.Int("epochs", 5, min: 1),
            BatchSize = o.Int("batch-size", 64, min: 1),
            LearningRate = (float)o.Double("lr", 0.01, min: 0),
            Seed = (ulong)o.Int("seed", 0, min: 0),
            Milestones = ParseMilestones(o.String("milestones")),
        };
        var outDir = o.Required("out");
        bool json = o.Flag("json");
        var dataOption = o.String("data");
        o.EnsureAllUsed();
        var dataDir = DataLocator.Cifar10(dataOption);

        var train = CifarDataset.LoadCifar10(dataDir, train: true, trainBatches);
        var test = CifarDataset.LoadCifar10(dataDir, train: false);
        var description = new ModelDescription(arch, norm, train.ClassCount);
        var model = ModelFactory.Create(arch, train.ClassCount, norm, options.Seed);
        var manifest = RunManifest.Create("train", Environment.GetCommandLineArgs().Skip(1).ToList(), options.Seed,
            DataLocator.Cifar10Files(dataDir, trainBatches), description.Settings(options));
        if (!json) Console.WriteLine($"training {arch} (norm {norm.ToOptionString()}) on {train.Count} CIFAR-10 images, testing on {test.Count}; {options.Epochs} epochs, batch {options.BatchSize}, seed {options.Seed}");
        var history = TrainingRun.Execute(model, description, train, test, Augmentation.CifarTrain, Augmentation.Eval(Normalization.Cifar), options, outDir, manifest, json);
        TrainingRun.PrintSummary(outDir, history, json);
        return 0;
    }

    private static IReadOnlyList<int> ParseMilestones(string? s)
    {
        if (string.IsNullOrWhiteSpace(s)) return [];
        try { return s.Split(',').Select(int.Parse).ToArray(); }
        catch (FormatException) { throw new UsageException($"train: --milestones must be comma-separated epochs like 100,150, got '{s}'."); }
    }
}
