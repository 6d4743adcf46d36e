using DeepPassport.Cli.Commands;
using DeepPassport.Engine.Kernels;

namespace DeepPassport.Cli;

/// <summary>Dispatches `deeppassport &lt;command&gt;` and turns errors into exit codes: 0 ok, 1 verification failed, 2 bad usage or input.</summary>
public static class CommandRunner
{
    private static readonly Dictionary<string, (string Summary, Func<Options, int> Run, string[] Flags, string Usage)> Commands = new()
    {
        ["demo"] = ("protect, ship and verify a passport model on built-in synthetic data (no download)", DemoCommand.Run, ["json", "owner-folder"],
            "[--epochs 2] [--train-images 2000] [--test-images 1000] [--lr 0.005] [--norm bn] [--scheme v2] [--key-type random]\n" +
            "  [--seed 0] [--out ./demo-run] [--data DIR] [--passphrase-file FILE | --owner-folder] [--json]"),
        ["train"] = ("train a plain or passport-protected model on CIFAR-10 (--arch, --scheme, --norm, --passport-config, --data, --out ...)", TrainCommand.Run, ["json", "owner-folder"],
            "--arch alexnet|resnet18 --norm bn|gn|in|none --data DIR --train-batches 1..5 --epochs N --batch-size 64 --lr 0.01\n" +
            "  --weight-decay 5e-4 --seed N [--milestones 100,150]\n" +
            "  [--scheme none|v1|v2|v3|pan|sp --passport-config PRESET|FILE --key-type random|image|shuffle --sign-loss 0.1\n" +
            "   --pretrained PLAIN.safetensors --trigger DIR --owner-passport A,B | --passport-pool DIR --hash-rule counter|compat\n" +
            "   --balance-weight W --passphrase-file FILE | --owner-folder] --out RUN [--json]"),
        ["verify"] = ("verify ownership of a deployment with the owner's secrets (--deployment, --owner, --data)", VerifyCommand.Run, ["json"],
            "--deployment FILE --owner RUN/owner.vault|RUN/owner --data DIR [--passphrase-file FILE] [--trigger DIR] [--fake-draws 5]\n" +
            "  [--fake-images 2000] [--min-detection 0.95] [--max-p-value 1e-6] [--min-gap 0.05] [--json]"),
        ["eval"] = ("test accuracy of a saved model (--model, --data)", EvalCommand.Run, ["json"],
            "--model RUN/model.safetensors [--arch alexnet] [--norm bn] --data DIR [--json]"),
        ["fetch"] = ("download and verify an official data set (--dataset cifar10|cifar100, --out DIR)", FetchCommand.Run, [],
            "--dataset cifar10|cifar100 [--out DIR]"),
        ["bench"] = ("engine speed: train/infer images/s of alexnet and resnet18, GEMM GFLOPS (--models, --rounds, --steps)", BenchCommand.Run, ["json"],
            "[--models alexnet,resnet18] [--rounds 5] [--steps 10] [--json]"),
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
        if (args.Skip(1).Any(a => a is "--help" or "-h"))
        {
            Console.WriteLine($"deeppassport {args[0]}: {command.Summary}\n\ndeeppassport {args[0]} {command.Usage}\n\nShared options: --threads N; see README.md.");
            return 0;
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
        Console.WriteLine("\n`deeppassport <command> --help` shows a command's options. Shared: --data DIR (or DEEPPASSPORT_DATA), --threads N, --json");
    }
}
