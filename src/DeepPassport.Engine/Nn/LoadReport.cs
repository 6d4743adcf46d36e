namespace DeepPassport.Engine.Nn;

/// <summary>
/// What <see cref="Module.LoadStateDict"/> did not match (PyTorch's <c>_IncompatibleKeys</c>):
/// names the module expects but the dict lacks, and names in the dict the module does not have.
/// </summary>
/// <param name="MissingKeys">Module entries absent from the dict (left unchanged).</param>
/// <param name="UnexpectedKeys">Dict entries with no counterpart in the module (ignored).</param>
public sealed record LoadReport(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys)
{
    /// <summary>True when every name matched.</summary>
    public bool IsExactMatch => MissingKeys.Count == 0 && UnexpectedKeys.Count == 0;
}
