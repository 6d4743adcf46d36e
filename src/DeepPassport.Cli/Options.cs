using System.Globalization;

namespace DeepPassport.Cli;

/// <summary>
/// The options of one command: <c>--name value</c> pairs and bare <c>--flag</c>s. Every option a command reads is
/// declared by reading it; <see cref="EnsureAllUsed"/> then rejects the ones nobody asked for (a typo).
/// </summary>
public sealed class Options
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly string _command;

    /// <summary>The command these options belong to, for messages.</summary>
    public string Command => _command;

    public Options(string command, IEnumerable<string> args, IReadOnlySet<string> flags)
    {
        _command = command;
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            string a = list[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2)
                throw new UsageException($"{command}: unexpected argument '{a}' (options look like --name value).");
            string name = a[2..];
            string? value = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
            else if (!flags.Contains(name))
            {
                if (i + 1 >= list.Count || list[i + 1].StartsWith("--", StringComparison.Ordinal))
                    throw new UsageException($"{command}: option --{name} needs a value.");
                value = list[++i];
            }
            if (!_values.TryAdd(name, value)) throw new UsageException($"{command}: option --{name} given twice.");
        }
    }

    public bool Flag(string name) { _used.Add(name); return _values.ContainsKey(name); }

    public string? String(string name) { _used.Add(name); return _values.GetValueOrDefault(name); }

    public string String(string name, string fallback) => String(name) ?? fallback;

    public string Required(string name) => String(name) ?? throw new UsageException($"{_command}: option --{name} is required.");

    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var s = String(name);
        if (s is null) return fallback;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < min || v > max)
            throw new UsageException($"{_command}: option --{name} must be a whole number{Range(min, max, int.MinValue, int.MaxValue)}, got '{s}'.");
        return v;
    }

    public double Double(string name, double fallback, double min = double.MinValue, double max = double.MaxValue)
    {
        var s = String(name);
        if (s is null) return fallback;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v >= min && v <= max))
            throw new UsageException($"{_command}: option --{name} must be a number{Range(min, max, double.MinValue, double.MaxValue)}, got '{s}'.");
        return v;
    }

    public string Choice(string name, string fallback, params string[] choices)
    {
        var s = String(name, fallback);
        return choices.Contains(s) ? s : throw new UsageException($"{_command}: option --{name} must be one of {string.Join(", ", choices)}, got '{s}'.");
    }

    public void EnsureAllUsed()
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0) throw new UsageException($"{_command}: unknown option{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(u => "--" + u))}.");
    }

    private static string Range(double min, double max, double noMin, double noMax) =>
        (min > noMin ? $" >= {min}" : "") + (max < noMax ? $" <= {max}" : "");
}
