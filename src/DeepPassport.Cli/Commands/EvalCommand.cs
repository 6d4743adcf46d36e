using System.Text.Json;
using DeepPassport.Engine.Data;
using DeepPassport.Models;
using DeepPassport.Training;

namespace DeepPassport.Cli.Commands;

/// <summary>`deeppassport eval`: loads model.safetensors into its architecture and prints the CIFAR-10 test accuracy.</summary>
public static class EvalCommand
{
    public static int Run(Options o)
    {
        var path = o.Required("model");
        var archOption = o.String("arch");
        var normOption = o.String("norm");
        int batch = o.Int("batch-size", 128, min: 1);
        bool json = o.Flag("json");
        var dataOption = o.String("data");
        o.EnsureAllUsed();
        var dataDir = DataLocator.Cifar10(dataOption);

        var (model, description) = ModelFile.Load(path, archOption, normOption is null ? null : NormTypes.Parse(normOption));
        var test = CifarDataset.LoadCifar10(dataDir, train: false);
        if (test.ClassCount != description.NumClasses)
            throw new UsageException($"eval: model '{path}' has {description.NumClasses} classes but CIFAR-10 has {test.ClassCount}.");
        double acc = Evaluation.Accuracy(model, test, Augmentation.Eval(Normalization.Cifar), batch);
        if (json) Console.WriteLine(JsonSerializer.Serialize(new { model = path, arch = description.Arch, test_accuracy = acc, images = test.Count }));
        else Console.WriteLine($"{description.Arch} test accuracy on CIFAR-10 (rebuilt): {acc:P2} ({test.Count} images)");
        return 0;
    }
}
