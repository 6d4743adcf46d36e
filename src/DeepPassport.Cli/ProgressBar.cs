using System.Diagnostics;

namespace DeepPassport.Cli;

/// <summary>
/// A one-line progress bar on standard error with rate and ETA. When standard error is not a terminal it prints a
/// plain line at every tenth of the work instead, so logs stay readable.
/// </summary>
public sealed class ProgressBar(string label, int total, string unit)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private int _lastDecile = -1;
    private long _lastDrawTicks;

    public void Report(int done, string? extra = null)
    {
        double secs = Math.Max(_clock.Elapsed.TotalSeconds, 1e-9), rate = done / secs;
        double eta = rate > 0 ? (total - done) / rate : 0;
        string tail = $"{done}/{total} {unit} {rate,7:F1} {unit}/s ETA {Format(eta)}{(extra is null ? "" : "  " + extra)}";
        if (_interactive)
        {
            if (done < total && Stopwatch.GetTimestamp() - _lastDrawTicks < Stopwatch.Frequency / 10) return;
            _lastDrawTicks = Stopwatch.GetTimestamp();
            int width = 24, filled = total == 0 ? width : (int)((long)width * done / total);
            Console.Error.Write($"\r{label} [{new string('#', filled)}{new string('.', width - filled)}] {tail}   ");
            if (done >= total) Console.Error.WriteLine();
        }
        else
        {
            int decile = total == 0 ? 10 : (int)(10L * done / total);
            if (decile == _lastDecile) return;
            _lastDecile = decile;
            Console.Error.WriteLine($"{label} {tail}");
        }
    }

    private static string Format(double seconds) =>
        seconds >= 3600 ? $"{seconds / 3600:F1}h" : seconds >= 60 ? $"{(int)seconds / 60}m{(int)seconds % 60:D2}s" : $"{seconds:F0}s";
}
