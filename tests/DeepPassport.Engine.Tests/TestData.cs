using Xunit.Sdk;

namespace DeepPassport.Engine.Tests;

/// <summary>
/// Finds the real data sets through <c>DEEPPASSPORT_DATA</c>. Without it a real-data test passes trivially
/// on a developer machine, but fails under CI (<c>CI=true</c>), where skipping silently would hide the gap.
/// </summary>
internal static class TestData
{
    public const string Variable = "DEEPPASSPORT_DATA";

    /// <summary>The data folder from the environment, or null when the variable is unset or empty.</summary>
    public static string? Root
    {
        get
        {
            string? v = Environment.GetEnvironmentVariable(Variable);
            return string.IsNullOrWhiteSpace(v) ? null : v;
        }
    }

    /// <summary>
    /// The data folder, or null when the test should return early. Fails the test when CI demands the data
    /// and it is not configured, or when the variable names a folder that does not exist.
    /// </summary>
    public static string? RequireOrSkip() => Resolve(Root, Environment.GetEnvironmentVariable("CI"));

    /// <summary>The decision itself, separate from the process environment so that it can be tested.</summary>
    internal static string? Resolve(string? root, string? ci)
    {
        if (root is null)
        {
            if (string.Equals(ci, "true", StringComparison.OrdinalIgnoreCase))
                throw FailException.ForFailure($"{Variable} is not set but CI=true: real-data tests must run in CI.");
            return null;
        }
        if (!Directory.Exists(root))
            throw FailException.ForFailure($"{Variable}='{root}' is not an existing folder.");
        return root;
    }
}
