using DeepPassport.Engine.Data;
using DeepPassport.Models;
using DeepPassport.Training;

namespace DeepPassport.Cli.Commands;

/// <summary>
/// `deeppassport demo`: trains AlexNetCifar on the built-in synthetic shapes (no download) for a few epochs and
/// reports its test accuracy. `--data` switches it to CIFAR-10.
/// </summary>
public static class DemoCommand
{
    public static int Run(Options o)
    {
        var outDir = o.String("out", Path.Combine(Environment.CurrentDirectory, "demo-run"));
        int epochs = o.Int("epochs", 3, min: 1);
        ulong seed = (ulong)o.Int("seed", 0, min: 0);
        bool json = o.Flag("json");
        var dataOption = o.String("data");
        o.EnsureAllUsed();
        bool cifar = dataOption is not null;
        string? cifarDir = cifar ? DataLocator.Cifar10(dataOption) : null;

        IImageDataset train, test;
        Augmentation trainAug, testAug;
        IEnumerable<string> files = [];
        if (cifarDir is not null)
        {
            train = CifarDataset.LoadCifar10(cifarDir, train: true, trainBatches: 1);
            test = CifarDataset.LoadCifar10(cifarDir, train: false);
            (trainAug, testAug) = (Augmentation.CifarTrain, Augmentation.Eval(Normalization.Cifar));
            files = DataLocator.Cifar10Files(cifarDir, 1);
        }
        else
        {
            train = new SyntheticShapes(3000, seed: 1);
            test = new SyntheticShapes(1000, seed: 2);
            (trainAug, testAug) = (Augmentation.CifarTrain, Augmentation.Eval(Normalization.Cifar));
        }
        var options = new TrainOptions { Epochs = epochs, Seed = seed };
        var description = new ModelDescription("alexnet", NormType.Bn, train.ClassCount);
        var model = ModelFactory.Create("alexnet", train.ClassCount, NormType.Bn, seed);
        if (!json)
            Console.WriteLine($"DeepPassport demo: training AlexNetCifar (batch norm) on {train.Count} {(cifar ? "CIFAR-10" : "synthetic pattern")} images, " +
                $"{epochs} epochs, then testing on {test.Count} held-out images.");
        var manifest = RunManifest.Create("demo", Environment.GetCommandLineArgs().Skip(1).ToList(), seed, files, description.Settings(options));
        var history = TrainingRun.Execute(model, description, train, test, trainAug, testAug, options, outDir, manifest, json);
        TrainingRun.PrintSummary(outDir, history, json);
        return 0;
    }
}
