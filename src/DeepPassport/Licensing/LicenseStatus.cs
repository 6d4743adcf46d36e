namespace DeepPassport.Licensing;

/// <summary>Whether a license is in force. Stored in the registry as <c>active</c> or <c>revoked</c>.</summary>
public enum LicenseStatus
{
    /// <summary>The license is in force.</summary>
    Active,

    /// <summary>The owner withdrew the license; it is kept so that a leaked passport can still be traced to its user.</summary>
    Revoked,
}
