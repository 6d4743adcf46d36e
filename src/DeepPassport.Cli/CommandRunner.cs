using DeepPassport.Cli.Commands;
using DeepPassport.Engine.Kernels;

namespace DeepPassport.Cli;

/// <summary>Dispatches `deeppassport &lt;command&gt;` and turns errors into exit codes: 0 ok, 1 verification failed, 2 bad usage or input.</summary>
public static class CommandRunner
{
    private static readonly Dictionary<string, (string Summary, Func<Options, int> Run, string[] Flags)> Commands = new()
    {
        ["demo"] = ("train and evaluate a model on built-in synthetic data (no download)", DemoCommand.Run, ["json", "owner-folder"]),
        ["train"] = ("train a plain or passport-protected model on CIFAR-10 (--arch, --scheme, --norm, --passport-config, --data, --out ...)", TrainCommand.Run, ["json", "owner-folder"]),
        ["verify"] = ("verify ownership of a deployment with the owner's secrets (--deployment, --owner, --data)", VerifyCommand.Run, ["json"]),
        ["eval"] = ("test accuracy of a saved model (--model, --data)", EvalCommand.Run, ["json"]),
        ["fetch"] = ("download and verify an official data set (--dataset cifar10|cifar100, --out DIR)", FetchCommand.Run, []),
        ["bench"] = ("engine speed: train/infer images/s of alexnet and resnet18, GEMM GFLOPS (--models, --rounds, --steps)", BenchCommand.Run, ["json"]),
    };

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            PrintHelp();
            return args.Length == 0 ? 2 : 0;
        }
        if (!Commands.TryGetValue(args[0], out var command))
        {
            Console.Error.WriteLine($"deeppassport: unknown command '{args[0]}'. Commands: {string.Join(", ", Commands.Keys)}.");
            return 2;
        }
        try
        {
            var options = new Options(args[0], args.Skip(1), new HashSet<string>(command.Flags));
            Parallelism.Degree = options.Int("threads", Environment.ProcessorCount, min: 1, max: 1024);
            return command.Run(options);
        }
        catch (Exception e) when (e is UsageException or IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException or FormatException)
        {
            Console.Error.WriteLine($"deeppassport {args[0]}: {e.Message}");
            return 2;
        }
        catch (DeepPassport.Training.TrainingDivergedException e)
        {
            Console.Error.WriteLine($"deeppassport {args[0]}: {e.Message}");
            return 1;
        }
    }

    private static void PrintHelp()
    {
        Console.WriteLine("deeppassport <command> [options]\n");
        foreach (var (name, c) in Commands) Console.WriteLine($"  {name,-8} {c.Summary}");
        Console.WriteLine("\nShared options: --data DIR (or DEEPPASSPORT_DATA), --out DIR, --seed N, --epochs N, --batch-size N, --threads N, --json");
    }
}
