using System.Text;
using DeepPassport.Owner;

namespace DeepPassport.Cli;

/// <summary>
/// Where the owner vault's passphrase comes from, in this order: <c>--passphrase-file FILE</c> (its first line),
/// the environment variable <c>DEEPPASSPORT_PASSPHRASE</c>, or a prompt on the terminal (typed twice when a vault
/// is created). Never from the command line: arguments end up in shell history and in every process listing.
/// </summary>
public static class Passphrase
{
    public const string EnvironmentVariable = "DEEPPASSPORT_PASSPHRASE";

    /// <summary>Marks the passphrase options as known, so they can be read (and prompted for) after the other options are checked.</summary>
    public static void Declare(Options o, bool creating)
    {
        o.String("passphrase");
        o.String("passphrase-file");
        if (creating) o.Flag("owner-folder");
    }

    /// <summary>True when a passphrase was given without a prompt (file or environment).</summary>
    public static bool Given(Options o) =>
        o.String("passphrase-file") is not null || Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 };

    /// <summary>Reads the passphrase options now (before hours of training), or fails with a message naming them.</summary>
    public static string Resolve(Options o, bool creating)
    {
        if (o.String("passphrase") is not null)
            throw new UsageException($"{o.Command}: the vault passphrase is never taken from the command line (shell history, process list); " +
                $"use --passphrase-file FILE, the environment variable {EnvironmentVariable}, or the prompt.");
        string value;
        if (o.String("passphrase-file") is { } file)
        {
            if (!File.Exists(file)) throw new UsageException($"{o.Command}: --passphrase-file '{file}' does not exist.");
            using var reader = new StreamReader(file, Encoding.UTF8);
            value = reader.ReadLine() ?? "";
            if (value.Length == 0) throw new UsageException($"{o.Command}: --passphrase-file '{file}' is empty; its first line is the passphrase.");
        }
        else if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env) value = env;
        else if (!Console.IsInputRedirected) value = Prompt(creating);
        else
            throw new UsageException($"{o.Command}: the owner vault needs a passphrase: give --passphrase-file FILE, set {EnvironmentVariable}, " +
                "or run in a terminal to be asked for it.");
        if (value.Length < OwnerVault.MinPassphraseLength)
            throw new UsageException($"{o.Command}: the vault passphrase must have at least {OwnerVault.MinPassphraseLength} characters.");
        return value;
    }

    private static string Prompt(bool creating)
    {
        string first = ReadHidden(creating ? "new owner vault passphrase: " : "owner vault passphrase: ");
        if (creating && ReadHidden("again: ") != first) throw new UsageException("the two passphrases differ; nothing was written.");
        return first;
    }

    private static string ReadHidden(string prompt)
    {
        Console.Error.Write(prompt);
        var sb = new StringBuilder();
        for (var k = Console.ReadKey(intercept: true); k.Key != ConsoleKey.Enter; k = Console.ReadKey(intercept: true))
        {
            if (k.Key == ConsoleKey.Backspace) { if (sb.Length > 0) sb.Length--; }
            else if (!char.IsControl(k.KeyChar)) sb.Append(k.KeyChar);
        }
        Console.Error.WriteLine();
        return sb.ToString();
    }

    /// <summary>
    /// The passphrase for a new run's owner vault, or null when <c>--owner-folder</c> asks for the plain folder instead.
    /// A plain run (no scheme) has no secrets, so both options are errors there.
    /// </summary>
    public static string? ForNewVault(Options o, bool protectedRun)
    {
        bool folder = o.Flag("owner-folder");
        if (!protectedRun)
        {
            if (folder || o.String("passphrase-file") is not null)
                throw new UsageException($"{o.Command}: --owner-folder and --passphrase-file need a passport scheme (--scheme v1|v2|v3|pan|sp).");
            return null;
        }
        if (!folder) return Resolve(o, creating: true);
        if (o.String("passphrase-file") is not null) throw new UsageException($"{o.Command}: --owner-folder writes no vault, so --passphrase-file has nothing to do.");
        return null;
    }

    /// <summary>The owner's secrets at <paramref name="path"/>: a vault file (asks for its passphrase) or a plain owner folder.</summary>
    public static OwnerSecrets LoadOwner(Options o, string path) =>
        Directory.Exists(path) ? OwnerSecrets.Load(path)
        : File.Exists(path) ? OwnerSecrets.LoadVault(path, Resolve(o, creating: false))
        : throw new UsageException($"{o.Command}: --owner '{path}' is neither an owner vault file nor an owner folder.");
}
