using Microsoft.Data.Sqlite;

namespace DeepPassport.Licensing;

/// <summary>
/// The file side of a <see cref="LicenseRegistry"/>: recognising the file, creating or checking its schema, the
/// SQLite settings that let two processes issue at once, and turning SQLite's errors into ones that name the file.
/// </summary>
internal static class RegistryFile
{
    public const string Format = "deeppassport-license-registry";
    public const int SchemaVersion = 1;
    public const int BusyTimeoutMilliseconds = 10_000;

    private const string Schema = """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE licenses (
            id INTEGER PRIMARY KEY,
            user TEXT NOT NULL UNIQUE,
            identity_sha256 TEXT NOT NULL,
            identity_png BLOB NOT NULL,
            passport_sha256 TEXT NOT NULL UNIQUE,
            issued_utc TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
            revoked_utc TEXT NULL,
            note TEXT NULL);
        """;

    /// <summary>Refuses an existing, non-empty file that does not start with SQLite's header, before SQLite touches it.</summary>
    public static void CheckHeader(string path)
    {
        if (!File.Exists(path)) return;
        using var f = File.OpenRead(path);
        if (f.Length == 0) return;   // SQLite treats an empty file as an empty database: it becomes a new registry
        Span<byte> head = stackalloc byte[16];
        int n = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (n < head.Length || !head.SequenceEqual("SQLite format 3\0"u8))
            throw new InvalidDataException($"'{path}' is not a DeepPassport license registry: it is not an SQLite database (no 'SQLite format 3' header).");
    }

    /// <summary>Sets the busy timeout, creates the schema in an empty file or checks an existing one, then switches to WAL and checks the pages.</summary>
    public static void Prepare(SqliteConnection db, string path)
    {
        Execute(db, null, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}");
        // Immediate: two processes opening the same new file take turns, and the second sees the first one's schema.
        using (var tx = db.BeginTransaction(deferred: false))
        {
            var tables = Strings(db, tx, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
            if (tables.Count == 0)
            {
                Execute(db, tx, Schema);
                Execute(db, tx, $"INSERT INTO meta (key, value) VALUES ('format', '{Format}'), ('schema_version', '{SchemaVersion}')");
                tables = ["licenses", "meta"];
            }
            CheckMeta(db, tx, path, tables);
            tx.Commit();
        }
        // Set after the checks so that a foreign file is left as it was. WAL lets readers and one writer work at once.
        string mode = Strings(db, null, "PRAGMA journal_mode = WAL")[0];
        if (mode != "wal")
            throw new IOException($"License registry '{path}': SQLite could not switch it to WAL journal mode (it stays '{mode}').");
        var problems = Strings(db, null, "PRAGMA quick_check");
        if (problems is not ["ok"])
            throw new InvalidDataException($"License registry '{path}' is damaged: {string.Join("; ", problems.Take(3))}.");
    }

    private static void CheckMeta(SqliteConnection db, SqliteTransaction tx, string path, List<string> tables)
    {
        if (!tables.Contains("meta"))
            throw new InvalidDataException($"'{path}' is not a DeepPassport license registry: an SQLite database with the tables {string.Join(", ", tables)} and no 'meta' table.");
        var meta = new Dictionary<string, string>();
        try
        {
            using var cmd = Command(db, tx, "SELECT CAST(key AS TEXT), CAST(value AS TEXT) FROM meta WHERE key IS NOT NULL AND value IS NOT NULL");
            using var r = cmd.ExecuteReader();
            while (r.Read()) meta[r.GetString(0)] = r.GetString(1);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 1)   // SQLITE_ERROR: another program's 'meta' table, without key/value columns
        {
            throw new InvalidDataException($"'{path}' is not a DeepPassport license registry: its 'meta' table is not ours ({e.Message}).", e);
        }
        if (meta.GetValueOrDefault("format") != Format)
            throw new InvalidDataException($"'{path}' is not a DeepPassport license registry: its meta table has format '{meta.GetValueOrDefault("format")}', not '{Format}'.");
        if (!int.TryParse(meta.GetValueOrDefault("schema_version"), out int version) || version < 1)
            throw new InvalidDataException($"License registry '{path}' is damaged: schema version '{meta.GetValueOrDefault("schema_version")}'.");
        if (version > SchemaVersion)
            throw new InvalidDataException($"License registry '{path}' has schema version {version}, newer than the version {SchemaVersion} this DeepPassport reads: use a newer DeepPassport.");
        if (!tables.Contains("licenses"))
            throw new InvalidDataException($"License registry '{path}' is damaged: it has no 'licenses' table.");
    }

    /// <summary>SQLITE_CORRUPT and SQLITE_NOTADB mean a damaged file; anything else (locked past the timeout, read-only, disk full) is an I/O error.</summary>
    public static Exception Translate(string path, SqliteException e) => (e.SqliteErrorCode & 0xFF) switch
    {
        11 or 26 => new InvalidDataException($"License registry '{path}' is damaged or not an SQLite database: {e.Message}", e),
        _ => new IOException($"License registry '{path}': {e.Message}", e),
    };

    public static SqliteCommand Command(SqliteConnection db, SqliteTransaction? tx, string sql)
    {
        var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }

    public static void Execute(SqliteConnection db, SqliteTransaction? tx, string sql)
    {
        using var cmd = Command(db, tx, sql);
        cmd.ExecuteNonQuery();
    }

    private static List<string> Strings(SqliteConnection db, SqliteTransaction? tx, string sql)
    {
        using var cmd = Command(db, tx, sql);
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read()) list.Add(r.GetString(0));
        return list;
    }
}
