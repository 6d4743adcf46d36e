namespace DeepPassport.Schemes;

/// <summary>
/// The two branches of a two-branch passport model: the public <see cref="Deployment"/> branch (learned affine, what
/// is shipped) and the private <see cref="Verification"/> branch (passport-derived affine, kept by the owner).
/// </summary>
public enum Branch { Deployment, Verification }

/// <summary>Which branch the passport layers of one model run next; the model sets it, its layers read it.</summary>
public sealed class BranchSwitch
{
    public Branch Current { get; set; } = Branch.Deployment;
}
