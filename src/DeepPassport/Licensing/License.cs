namespace DeepPassport.Licensing;

/// <summary>
/// One license in a <see cref="LicenseRegistry"/>: a user, the identity image hidden in their user-side passport,
/// and that passport file, each pinned by its SHA-256.
/// </summary>
/// <param name="Id">The registry's row id (1, 2, ... in issue order).</param>
/// <param name="User">The user's name, unique in the registry.</param>
/// <param name="IdentitySha256">Lower-case hex SHA-256 of the identity image's PNG bytes as stored in the registry.</param>
/// <param name="PassportSha256">Lower-case hex SHA-256 of the user-side passport PNG file's bytes.</param>
/// <param name="Issued">When the license was issued (UTC).</param>
/// <param name="Status">Active or revoked.</param>
/// <param name="Revoked">When it was revoked (UTC), or null while active.</param>
/// <param name="Note">Free text given at issue, or null.</param>
public sealed record License(
    long Id,
    string User,
    string IdentitySha256,
    string PassportSha256,
    DateTimeOffset Issued,
    LicenseStatus Status,
    DateTimeOffset? Revoked,
    string? Note);
