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
            "  --weight-decay 5e-4 --seed N [--milestones 100,150] [--recalibration-batches 100]\n" +
            "  [--scheme none|v1|v2|v3|pan|sp --passport-config PRESET|FILE --key-type random|image|shuffle --sign-loss 0.1\n" +
            "   --pretrained PLAIN.safetensors --trigger DIR --owner-passport A,B | --passport-pool DIR --hash-rule counter|compat\n" +
            "   --balance-weight W --gamma-t-init ones|signature --passphrase-file FILE | --owner-folder] --out RUN [--json]"),
        ["verify"] = ("verify ownership of a deployment with the owner's secrets (--deployment, --owner, --data)", VerifyCommand.Run, ["json"],
            "--deployment FILE --owner RUN/owner.vault|RUN/owner --data DIR [--passphrase-file FILE] [--trigger DIR] [--fake-draws 5]\n" +
            "  [--fake-images 2000] [--min-detection 0.95] [--max-p-value 1e-6] [--min-gap 0.05] [--json]"),
        ["eval"] = ("test accuracy of a saved model (--model, --data)", EvalCommand.Run, ["json"],
            "--model RUN/model.safetensors [--arch alexnet] [--norm bn] --data DIR [--json]"),
        ["fetch"] = ("download and verify an official data set (--dataset cifar10|cifar100, --out DIR)", FetchCommand.Run, [],
            "--dataset cifar10|cifar100 [--out DIR]"),
        ["isn train"] = ("train the invertible steganographic network that hides identities in the owner passport (SP licences)", IsnCommand.Train, ["json", "no-key-texture-wrong-keys", "no-near-key-wrong-keys", "no-key-variant-wrong-keys"],
            "--images DIR[,DIR...] --key IMAGE --out DIR [--owner RUN/owner.vault [--passphrase-file FILE]] [--holdout 4] [--size 32] [--blocks 4] [--pairs 4] [--steps 11000] [--lr 2.5e-4]\n" +
            "  [--lr-final 0.05] [--clip-factor 3] [--lr-recover-steps 0] [--validate-every 100] [--wrong-key-weight 1] [--wrong-key-mse 0.05] [--wrong-keys DIR[,DIR...]|LIST.txt]\n" +
            "  [--no-key-texture-wrong-keys] [--no-near-key-wrong-keys] [--no-key-variant-wrong-keys] [--near-key-blend 0.15] [--reveal-weight 5] [--guide-weight 1] [--low-weight 1] [--sample-power 1] [--seed 0] [--json]"),
        ["isn attach"] = ("move a trained ISN and its key into the owner vault", IsnCommand.Attach, [],
            "--owner RUN/owner.vault|RUN/owner --isn DIR [--passphrase-file FILE]"),
        ["isn eval"] = ("ISN quality on held-out images: stego and revealed PSNR/SSIM, reveals with wrong keys and noise", IsnCommand.Eval, ["json"],
            "--isn DIR --images DIR[,DIR...]|LIST.txt [--cover IMAGE] [--wrong-keys DIR[,DIR...]] [--noise-keys 5] [--key-variants 0] [--json]"),
        ["license issue"] = ("issue a user-side passport (PNG) with the user's identity image hidden in it, and register it (only if it would pass `license verify`)", LicenseCommand.Issue, ["json"],
            "--owner RUN/owner.vault --user NAME --id-image FILE --out PASSPORT.png [--registry RUN/licenses.db] [--passphrase-file FILE] [--json]\n" +
            "    [--min-psnr 25] [--min-ssim 0.8] [--min-margin 3] [--min-passport-psnr 20]   (the thresholds of license verify; exit 1: refused)"),
        ["license verify"] = ("reveal the identity in a user-side passport and name its licensee (exit 0 only when licensed)", LicenseCommand.Verify, ["json"],
            "--owner RUN/owner.vault --passport PASSPORT.png [--registry RUN/licenses.db] [--min-psnr 25] [--min-ssim 0.8] [--min-margin 3]\n" +
            "  [--min-passport-psnr 20] [--passphrase-file FILE] [--json]"),
        ["license list"] = ("list the licences in the registry", LicenseCommand.List, ["json"], "--owner RUN/owner.vault | --registry FILE [--json]"),
        ["license revoke"] = ("revoke a user's licence", LicenseCommand.Revoke, [], "--user NAME (--owner RUN/owner.vault | --registry FILE)"),
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
        // Commands are one word (`train`) or a group and a verb (`license issue`).
        string name = args.Length > 1 && Commands.ContainsKey($"{args[0]} {args[1]}") ? $"{args[0]} {args[1]}" : args[0];
        int words = name.Count(c => c == ' ') + 1;
        if (!Commands.TryGetValue(name, out var command))
        {
            var verbs = Commands.Keys.Where(k => k.StartsWith(args[0] + " ", StringComparison.Ordinal)).ToList();
            Console.Error.WriteLine(verbs.Count > 0
                ? $"deeppassport: '{args[0]}' needs one of: {string.Join(", ", verbs)}."
                : $"deeppassport: unknown command '{args[0]}'. Commands: {string.Join(", ", Commands.Keys)}.");
            return 2;
        }
        if (args.Skip(words).Any(a => a is "--help" or "-h"))
        {
            Console.WriteLine($"deeppassport {name}: {command.Summary}\n\ndeeppassport {name} {command.Usage}\n\nShared options: --threads N; see README.md.");
            return 0;
        }
        try
        {
            var options = new Options(name, args.Skip(words), new HashSet<string>(command.Flags));
            Parallelism.Degree = options.Int("threads", Environment.ProcessorCount, min: 1, max: 1024);
            return command.Run(options);
        }
        catch (Exception e) when (e is UsageException or IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException or FormatException)
        {
            Console.Error.WriteLine(Message(name, e.Message));
            return 2;
        }
        catch (DeepPassport.Training.TrainingDivergedException e)
        {
            Console.Error.WriteLine(Message(name, e.Message));
            return 1;
        }
    }

    /// <summary>"deeppassport NAME: message", the command named once when the message already begins with it.</summary>
    internal static string Message(string name, string message) =>
        message.StartsWith(name + ":", StringComparison.Ordinal) ? $"deeppassport {message}" : $"deeppassport {name}: {message}";

    private static void PrintHelp()
    {
        Console.WriteLine("deeppassport <command> [options]\n");
        foreach (var (name, c) in Commands) Console.WriteLine($"  {name,-14} {c.Summary}");
        Console.WriteLine("\n`deeppassport <command> --help` shows a command's options. Shared: --data DIR (or DEEPPASSPORT_DATA), --threads N, --json");
    }
}
