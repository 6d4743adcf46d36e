using System.Reflection;
using System.Runtime.Loader;

// Two builds of the engine timed side by side in one process, alternating, so that the host's swings (this machine's
// speed moves by a third within minutes) fall on both alike. bench/ab.sh builds the two and runs this.
//   DeepPassport.Ab DIR_A DIR_B WORK [rounds 20] [reps 2] [threads 2]
// Each DIR holds DeepPassport.Engine.dll, DeepPassport.Protection.dll and DeepPassport.Ab.Probe.dll (WORK: AbProbe.Setup).
// KNOB_A / KNOB_B ("Type.Field=value") set a trial setting in one side only; WORK_B gives side B other work (two ways
// of doing one thing, timed in one build).
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: DeepPassport.Ab DIR_A DIR_B WORK [rounds] [reps] [threads]");
    return 2;
}
string dirA = args[0], dirB = args[1], work = args[2];
int rounds = args.Length > 3 ? int.Parse(args[3]) : 20, reps = args.Length > 4 ? int.Parse(args[4]) : 2, threads = args.Length > 5 ? int.Parse(args[5]) : 2;
foreach (var dir in new[] { dirA, dirB })
    if (!File.Exists(Path.Combine(dir, "DeepPassport.Ab.Probe.dll")))
    {
        Console.Error.WriteLine($"ab: {dir} holds no DeepPassport.Ab.Probe.dll (bench/ab.sh puts one there).");
        return 2;
    }
var a = Load(dirA, work, threads, Environment.GetEnvironmentVariable("KNOB_A") ?? "");
var b = Load(dirB, Environment.GetEnvironmentVariable("WORK_B") ?? work, threads, Environment.GetEnvironmentVariable("KNOB_B") ?? "");
for (int i = 0; i < 2; i++) { a(reps); b(reps); }   // both through the JIT's tiers first
var (ta, tb, ratio) = (new List<double>(), new List<double>(), new List<double>());
for (int r = 0; r < rounds; r++)
{
    // Each side goes first in every other round.
    double x, y;
    if (r % 2 == 0) { x = a(reps); y = b(reps); } else { y = b(reps); x = a(reps); }
    ta.Add(x); tb.Add(y); ratio.Add(x / y);
}
Console.WriteLine($"{work}: A {Median(ta):F2} ms, B {Median(tb):F2} ms; time A / time B median {Median(ratio):F3} (B faster when above 1), " +
    $"{ratio.Count(v => v > 1)} of {rounds} rounds above 1; ratios {string.Join(" ", ratio.Order().Select(v => v.ToString("F2")))}");
return 0;

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

static Func<int, double> Load(string dir, string work, int threads, string knob)
{
    var probe = new DirectoryContext(Path.GetFullPath(dir)).LoadFromAssemblyPath(Path.GetFullPath(Path.Combine(dir, "DeepPassport.Ab.Probe.dll")))
        .GetType("DeepPassport.Ab.Probe.AbProbe") ?? throw new InvalidOperationException($"ab: no AbProbe in {dir}.");
    probe.GetMethod("Setup")!.Invoke(null, [work, threads, knob]);
    var time = probe.GetMethod("Time")!;
    return reps => (double)time.Invoke(null, [reps])!;
}

/// <summary>Loads a build's assemblies from its own folder, so that two engines live side by side.</summary>
internal sealed class DirectoryContext(string dir) : AssemblyLoadContext(isCollectible: false)
{
    protected override Assembly? Load(AssemblyName name)
    {
        string path = Path.Combine(dir, name.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
