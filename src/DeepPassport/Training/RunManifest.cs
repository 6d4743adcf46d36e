using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using DeepPassport.Engine.Kernels;

namespace DeepPassport.Training;

/// <summary>
/// manifest.json of a run directory: what was run, with which seed and versions, on which data (SHA-256 of every
/// data file), so a result can be traced and repeated.
/// </summary>
public sealed record RunManifest(
    string Command,
    IReadOnlyList<string> Arguments,
    ulong Seed,
    DateTimeOffset Started,
    IReadOnlyDictionary<string, string> Versions,
    IReadOnlyDictionary<string, string> DataSha256,
    IReadOnlyDictionary<string, string> Settings)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static RunManifest Create(string command, IReadOnlyList<string> arguments, ulong seed,
        IEnumerable<string> dataFiles, IReadOnlyDictionary<string, string> settings) => new(
        command, arguments, seed, DateTimeOffset.UtcNow,
        new Dictionary<string, string>
        {
            ["deeppassport"] = typeof(RunManifest).Assembly.GetName().Version?.ToString() ?? "unknown",
            ["dotnet"] = RuntimeInformation.FrameworkDescription,
            ["os"] = RuntimeInformation.OSDescription,
            ["gemm_kernel"] = Gemm.Best.ToString(),
            ["threads"] = Parallelism.Degree.ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
        dataFiles.ToDictionary(f => Path.GetFileName(f), Sha256OfFile),
        settings);

    public static string Sha256OfFile(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");
}
