using System.Globalization;
using System.Security.Cryptography;
using DeepPassport.Engine.Imaging;
using Microsoft.Data.Sqlite;

namespace DeepPassport.Licensing;

/// <summary>
/// The model owner's registry of issued licenses (Steganographic Passport: each user gets a user-side passport PNG
/// in which their identity image is hidden). One SQLite file: a <c>meta</c> table (format, schema version) and a
/// <c>licenses</c> table with one row per user, holding the identity image as used for hiding (PNG) so that a
/// revealed image can be compared with it, and the SHA-256 of the user-side passport file.
/// <para>
/// The file is in WAL journal mode with a 10 s busy timeout, and every write is one <c>BEGIN IMMEDIATE</c>
/// transaction, so several processes may open the same registry and issue at once; they take turns.
/// An instance is one SQLite connection and, like it, is not thread-safe: use one instance per thread.
/// </para>
/// <para>
/// Errors: a file that is not a registry, damaged, or of a newer schema gives <see cref="InvalidDataException"/>;
/// other file problems (missing folder, locked past the timeout, read-only) give <see cref="IOException"/>; bad
/// arguments, a duplicate user or passport give <see cref="ArgumentException"/>. Every message names the file.
/// </para>
/// </summary>
public sealed class LicenseRegistry : IDisposable
{
    /// <summary>Longest user name accepted, in UTF-16 characters.</summary>
    public const int MaxUserLength = 200;

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";   // ISO 8601, UTC, tick precision: sorts as text
    private const string Columns = "id, user, identity_sha256, passport_sha256, issued_utc, status, revoked_utc, note";
    private readonly SqliteConnection _db;
    private bool _disposed;

    private LicenseRegistry(string path, SqliteConnection db) { FilePath = path; _db = db; }

    /// <summary>The registry file's full path.</summary>
    public string FilePath { get; }

    /// <summary>Opens the registry at <paramref name="path"/>, creating the file and its schema when it does not exist (or is empty).</summary>
    /// <exception cref="InvalidDataException">The file is not a DeepPassport registry, is damaged, or has a newer schema.</exception>
    /// <exception cref="IOException">The file cannot be opened or created.</exception>
    public static LicenseRegistry Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        RegistryFile.CheckHeader(full);
        // No pooling: Dispose really closes the file, so the last one out checkpoints the WAL and the file can be moved.
        var builder = new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false };
        var db = new SqliteConnection(builder.ToString());
        try
        {
            Sql(full, () => { db.Open(); RegistryFile.Prepare(db, full); return 0; });
            return new LicenseRegistry(full, db);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Issues a license: stores <paramref name="identity"/> (the identity image exactly as hidden, as PNG) and the
    /// SHA-256 of <paramref name="userPassportPng"/> (the user-side passport file's bytes) under <paramref name="user"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The user name is invalid, the user already has a license, the passport is
    /// not a PNG, or the same passport file is already registered to another user.</exception>
    public License Add(string user, Image identity, byte[] userPassportPng, DateTimeOffset issued, string? note = null)
    {
        CheckUser(user);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(userPassportPng);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!Png.IsPng(userPassportPng))
            throw new ArgumentException($"The user-side passport of '{user}' is not a PNG file ({userPassportPng.Length} bytes without the PNG signature).", nameof(userPassportPng));
        byte[] identityPng = Png.Encode(identity);
        var license = new License(0, user, Sha256Hex(identityPng), Sha256Hex(userPassportPng), issued.ToUniversalTime(), LicenseStatus.Active, null, note);
        return Sql(FilePath, () =>
        {
            // Immediate: take the write lock before reading, so that a concurrent issuer waits instead of failing on upgrade.
            using var tx = _db.BeginTransaction(deferred: false);
            if (Query(tx, " WHERE user = $v", license.User) is [var existing])
                throw new ArgumentException($"License registry '{FilePath}' already has a license for user '{user}' (issued {Format(existing.Issued)}, {Status(existing.Status)}): a user gets one license.", nameof(user));
            if (Query(tx, " WHERE passport_sha256 = $v", license.PassportSha256) is [var holder])
                throw new ArgumentException($"License registry '{FilePath}': this user-side passport (SHA-256 {license.PassportSha256}) is already registered to user '{holder.User}'.", nameof(userPassportPng));
            using var insert = RegistryFile.Command(_db, tx, """
                INSERT INTO licenses (user, identity_sha256, identity_png, passport_sha256, issued_utc, status, note)
                VALUES ($user, $identity, $png, $passport, $issued, 'active', $note);
                SELECT last_insert_rowid();
                """);
            insert.Parameters.AddWithValue("$user", license.User);
            insert.Parameters.AddWithValue("$identity", license.IdentitySha256);
            insert.Parameters.AddWithValue("$png", identityPng);
            insert.Parameters.AddWithValue("$passport", license.PassportSha256);
            insert.Parameters.AddWithValue("$issued", Format(license.Issued));
            insert.Parameters.AddWithValue("$note", (object?)note ?? DBNull.Value);
            long id = (long)insert.ExecuteScalar()!;
            tx.Commit();
            return license with { Id = id };
        });
    }

    /// <summary>All licenses, active and revoked, in issue order.</summary>
    public IReadOnlyList<License> List() => Sql(FilePath, () => Query(null, "", null));

    /// <summary>The license of <paramref name="user"/>, or null when the registry has none.</summary>
    public License? Find(string user)
    {
        CheckUser(user);
        return Sql(FilePath, () => Query(null, " WHERE user = $v", user) is [var l] ? l : null);
    }

    /// <summary>The license whose user-side passport file has SHA-256 <paramref name="sha256"/> (64 hex digits, any case), or null.</summary>
    public License? FindByPassportHash(string sha256)
    {
        ArgumentNullException.ThrowIfNull(sha256);
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigit))
            throw new ArgumentException($"A SHA-256 is 64 hexadecimal digits, not '{sha256}'.", nameof(sha256));
        return Sql(FilePath, () => Query(null, " WHERE passport_sha256 = $v", sha256.ToLowerInvariant()) is [var l] ? l : null);
    }

    /// <summary>
    /// Revokes the license of <paramref name="user"/> as of <paramref name="when"/>. Returns false when the user has
    /// no license. Revoking a revoked license is a no-op that keeps the first revocation time, and returns true.
    /// </summary>
    public bool Revoke(string user, DateTimeOffset when)
    {
        CheckUser(user);
        return Sql(FilePath, () =>
        {
            using var tx = _db.BeginTransaction(deferred: false);
            if (Query(tx, " WHERE user = $v", user) is not [var license]) return false;
            if (license.Status == LicenseStatus.Active)
            {
                using var update = RegistryFile.Command(_db, tx, "UPDATE licenses SET status = 'revoked', revoked_utc = $t WHERE id = $id");
                update.Parameters.AddWithValue("$t", Format(when.ToUniversalTime()));
                update.Parameters.AddWithValue("$id", license.Id);
                update.ExecuteNonQuery();
            }
            tx.Commit();
            return true;
        });
    }

    /// <summary>
    /// Every license (revoked ones too: a leaked passport must still trace back to its user) with its decoded
    /// identity image, in issue order, read one row at a time. Each image is checked against its recorded SHA-256.
    /// </summary>
    /// <exception cref="InvalidDataException">A stored identity image does not match its SHA-256 or is not a valid PNG.</exception>
    public IEnumerable<(License License, Image Identity)> Identities()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var cmd = RegistryFile.Command(_db, null, $"SELECT {Columns}, identity_png FROM licenses ORDER BY id");
        using var reader = Sql(FilePath, cmd.ExecuteReader);
        while (Sql(FilePath, reader.Read))
        {
            var (license, png) = Sql(FilePath, () => (ReadLicense(reader), reader.GetFieldValue<byte[]>(8)));
            yield return (license, DecodeIdentity(license, png));
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _db.Dispose();
    }

    /// <summary>
    /// Refuses user names that are empty, longer than <see cref="MaxUserLength"/>, start or end with white space,
    /// or contain a control character or an unpaired surrogate.
    /// </summary>
    /// <exception cref="ArgumentException">The name is invalid; the message says why.</exception>
    public static void CheckUser(string user)
    {
        ArgumentNullException.ThrowIfNull(user);
        string? problem =
            user.Length == 0 ? "is empty" :
            user.Length > MaxUserLength ? $"has {user.Length} characters, more than {MaxUserLength}" :
            user.Any(char.IsControl) ? "contains a control character" :
            char.IsWhiteSpace(user[0]) || char.IsWhiteSpace(user[^1]) ? "starts or ends with white space" :
            HasUnpairedSurrogate(user) ? "contains an unpaired UTF-16 surrogate" : null;
        if (problem is null) return;
        string shown = new(user.Take(40).Select(c => char.IsControl(c) || char.IsSurrogate(c) ? '?' : c).ToArray());
        throw new ArgumentException($"User name '{shown}{(user.Length > 40 ? "..." : "")}' {problem}.", nameof(user));
    }

    private List<License> Query(SqliteTransaction? tx, string where, string? value)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var cmd = RegistryFile.Command(_db, tx, $"SELECT {Columns} FROM licenses{where} ORDER BY id");
        if (value is not null) cmd.Parameters.AddWithValue("$v", value);
        using var reader = cmd.ExecuteReader();
        var list = new List<License>();
        while (reader.Read()) list.Add(ReadLicense(reader));
        return list;
    }

    private License ReadLicense(SqliteDataReader r)
    {
        long id = r.GetInt64(0);
        return new License(id, r.GetString(1), r.GetString(2), r.GetString(3), ParseTime(r.GetString(4), id),
            r.GetString(5) switch
            {
                "active" => LicenseStatus.Active,
                "revoked" => LicenseStatus.Revoked,
                var s => throw new InvalidDataException($"License registry '{FilePath}', license {id}: unknown status '{s}'."),
            },
            r.IsDBNull(6) ? null : ParseTime(r.GetString(6), id),
            r.IsDBNull(7) ? null : r.GetString(7));
    }

    private Image DecodeIdentity(License license, byte[] png)
    {
        if (Sha256Hex(png) != license.IdentitySha256)
            throw new InvalidDataException($"License registry '{FilePath}': the identity image of user '{license.User}' does not match its recorded SHA-256.");
        try { return Png.Decode(png, $"{FilePath} (identity image of user '{license.User}')"); }
        catch (ImageFormatException e) { throw new InvalidDataException(e.Message, e); }
    }

    private DateTimeOffset ParseTime(string text, long id) =>
        DateTimeOffset.TryParseExact(text, TimeFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : throw new InvalidDataException($"License registry '{FilePath}', license {id}: '{text}' is not an ISO 8601 UTC time.");

    private static string Format(DateTimeOffset t) => t.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static string Status(LicenseStatus s) => s == LicenseStatus.Active ? "active" : "revoked";

    private static string Sha256Hex(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private static bool HasUnpairedSurrogate(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (!char.IsSurrogate(s[i])) continue;
            if (!char.IsHighSurrogate(s[i]) || i + 1 == s.Length || !char.IsLowSurrogate(s[i + 1])) return true;
            i++;
        }
        return false;
    }

    private static T Sql<T>(string path, Func<T> action)
    {
        try { return action(); }
        catch (SqliteException e) { throw RegistryFile.Translate(path, e); }
    }
}
