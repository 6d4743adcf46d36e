using DeepPassport.Engine.Imaging;
using DeepPassport.Licensing;
using Microsoft.Data.Sqlite;

namespace DeepPassport.Tests.Licensing;

public sealed class LicenseRegistryTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 30, 15, TimeSpan.Zero);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "dp-registry-" + Guid.NewGuid().ToString("N")[..8]);

    public LicenseRegistryTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string RegistryPath => Path.Combine(_dir, "licenses.db");

    // A distinct image for every seed (so that every user-side passport has its own SHA-256).
    private static Image Picture(int seed, int size = 32)
    {
        var rng = new Random(seed);
        var pixels = new byte[size * size * 3];
        rng.NextBytes(pixels);
        return new Image(size, size, 3, pixels);
    }

    private static byte[] PassportPng(int seed) => Png.Encode(Picture(100_000 + seed));

    [Fact]
    public void AddListFindRevoke()
    {
        using var registry = LicenseRegistry.Open(RegistryPath);
        Assert.Empty(registry.List());
        byte[] passport = PassportPng(1);
        License alice = registry.Add("alice", Picture(1), passport, T0, note: "first customer");
        License bob = registry.Add("Bob Müller", Picture(2), PassportPng(2), T0.AddDays(1));
        Assert.Equal((1L, "alice", LicenseStatus.Active, (DateTimeOffset?)null, "first customer"), (alice.Id, alice.User, alice.Status, alice.Revoked, alice.Note));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(passport)), alice.PassportSha256);
        Assert.Equal([alice, bob], registry.List());
        Assert.Equal(bob, registry.Find("Bob Müller"));
        Assert.Null(registry.Find("carol"));
        Assert.Equal(alice, registry.FindByPassportHash(alice.PassportSha256.ToUpperInvariant()));
        Assert.Null(registry.FindByPassportHash(new string('0', 64)));

        Assert.True(registry.Revoke("alice", T0.AddDays(2)));
        Assert.False(registry.Revoke("carol", T0));
        // Revoking twice is a no-op that keeps the first time.
        Assert.True(registry.Revoke("alice", T0.AddDays(5)));
        License revoked = registry.Find("alice")!;
        Assert.Equal(LicenseStatus.Revoked, revoked.Status);
        Assert.Equal(T0.AddDays(2), revoked.Revoked);
        Assert.Equal(LicenseStatus.Active, registry.Find("Bob Müller")!.Status);
    }

    [Fact]
    public void TheFileIsInWalMode()
    {
        using var registry = LicenseRegistry.Open(RegistryPath);
        using var db = new SqliteConnection($"Data Source={RegistryPath};Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", cmd.ExecuteScalar());
    }

    [Fact]
    public void Identities_IncludeRevokedLicensesWithTheirImages()
    {
        using var registry = LicenseRegistry.Open(RegistryPath);
        registry.Add("alice", Picture(1), PassportPng(1), T0);
        registry.Add("bob", new Image(20, 16, 1, new byte[320]), PassportPng(2), T0);
        registry.Revoke("alice", T0.AddHours(1));
        var all = registry.Identities().ToList();
        Assert.Equal(["alice", "bob"], all.Select(x => x.License.User));
        Assert.Equal(LicenseStatus.Revoked, all[0].License.Status);
        Assert.Equal(Picture(1).Pixels, all[0].Identity.Pixels);
        Assert.Equal((20, 16, 1), (all[1].Identity.Width, all[1].Identity.Height, all[1].Identity.Channels));
    }

    [Fact]
    public void SurvivesReopening()
    {
        License alice;
        using (var registry = LicenseRegistry.Open(RegistryPath))
        {
            alice = registry.Add("alice", Picture(1), PassportPng(1), T0);
            registry.Add("bob", Picture(2), PassportPng(2), T0);
            registry.Revoke("bob", T0.AddMinutes(1));
        }
        Assert.False(File.Exists(RegistryPath + "-wal"), "closing the last connection should checkpoint the WAL");
        using (var registry = LicenseRegistry.Open(RegistryPath))
        {
            Assert.Equal(alice, registry.Find("alice"));
            Assert.Equal(LicenseStatus.Revoked, registry.Find("bob")!.Status);
            Assert.Equal(3, registry.Add("carol", Picture(3), PassportPng(3), T0).Id);
        }
    }

    [Fact]
    public void DuplicateUserOrPassport_IsRefused()
    {
        using var registry = LicenseRegistry.Open(RegistryPath);
        registry.Add("alice", Picture(1), PassportPng(1), T0);
        var e = Assert.Throws<ArgumentException>(() => registry.Add("alice", Picture(2), PassportPng(2), T0));
        Assert.Contains("already has a license for user 'alice'", e.Message);
        e = Assert.Throws<ArgumentException>(() => registry.Add("bob", Picture(2), PassportPng(1), T0));
        Assert.Contains("already registered to user 'alice'", e.Message);
        Assert.Single(registry.List());
    }

    [Theory]
    [InlineData("")]
    [InlineData(" alice")]
    [InlineData("alice\n")]
    [InlineData("al\u0000ice")]
    public void InvalidUserNames_AreRefused(string user)
    {
        using var registry = LicenseRegistry.Open(RegistryPath);
        Assert.Throws<ArgumentException>(() => registry.Add(user, Picture(1), PassportPng(1), T0));
        Assert.Throws<ArgumentException>(() => LicenseRegistry.CheckUser(new string('x', 201)));
        Assert.Throws<ArgumentException>(() => LicenseRegistry.CheckUser("bad" + (char)0xD800));
        LicenseRegistry.CheckUser(new string('x', 200));
        Assert.Empty(registry.List());
    }

    [Fact]
    public void NotAPassportPng_IsRefused()
    {
        using var registry = LicenseRegistry.Open(RegistryPath);
        var e = Assert.Throws<ArgumentException>(() => registry.Add("alice", Picture(1), [1, 2, 3], T0));
        Assert.Contains("not a PNG", e.Message);
    }

    [Fact]
    public void RandomBytes_AreAClearError()
    {
        var bytes = new byte[8192];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(RegistryPath, bytes);
        var e = Assert.Throws<InvalidDataException>(() => LicenseRegistry.Open(RegistryPath));
        Assert.Contains(RegistryPath, e.Message);
        Assert.Contains("not an SQLite database", e.Message);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.1)]
    public void TruncatedRegistry_IsAClearError(double keep)
    {
        using (var registry = LicenseRegistry.Open(RegistryPath))
            for (int i = 0; i < 30; i++) registry.Add($"user{i}", Picture(i, 48), PassportPng(i), T0);
        byte[] bytes = File.ReadAllBytes(RegistryPath);
        File.WriteAllBytes(RegistryPath, bytes[..(int)(bytes.Length * keep)]);
        var e = Assert.Throws<InvalidDataException>(() =>
        {
            using var registry = LicenseRegistry.Open(RegistryPath);
            registry.Identities().ToList();
        });
        Assert.Contains(RegistryPath, e.Message);
    }

    [Fact]
    public void ForeignSqliteFile_IsAClearErrorAndLeftAlone()
    {
        using (var db = new SqliteConnection($"Data Source={RegistryPath};Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "CREATE TABLE customers (name TEXT); INSERT INTO customers VALUES ('x');";
            cmd.ExecuteNonQuery();
        }
        byte[] before = File.ReadAllBytes(RegistryPath);
        var e = Assert.Throws<InvalidDataException>(() => LicenseRegistry.Open(RegistryPath));
        Assert.Contains(RegistryPath, e.Message);
        Assert.Contains("not a DeepPassport license registry", e.Message);
        Assert.Equal(before, File.ReadAllBytes(RegistryPath));
    }

    [Fact]
    public void NewerSchema_IsRefused()
    {
        LicenseRegistry.Open(RegistryPath).Dispose();
        using (var db = new SqliteConnection($"Data Source={RegistryPath};Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "UPDATE meta SET value = '2' WHERE key = 'schema_version'";
            cmd.ExecuteNonQuery();
        }
        var e = Assert.Throws<InvalidDataException>(() => LicenseRegistry.Open(RegistryPath));
        Assert.Contains("schema version 2", e.Message);
        Assert.Contains(RegistryPath, e.Message);
    }

    [Fact]
    public void AlteredIdentityImage_IsDetected()
    {
        using (var registry = LicenseRegistry.Open(RegistryPath)) registry.Add("alice", Picture(1), PassportPng(1), T0);
        using (var db = new SqliteConnection($"Data Source={RegistryPath};Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "UPDATE licenses SET identity_png = $png";
            cmd.Parameters.AddWithValue("$png", Png.Encode(Picture(2)));
            cmd.ExecuteNonQuery();
        }
        using var reopened = LicenseRegistry.Open(RegistryPath);
        var e = Assert.Throws<InvalidDataException>(() => reopened.Identities().ToList());
        Assert.Contains("does not match its recorded SHA-256", e.Message);
    }

    [Fact]
    public void MissingFolder_IsAnIOErrorNamingTheFile()
    {
        string path = Path.Combine(_dir, "no-such-folder", "licenses.db");
        var e = Assert.Throws<IOException>(() => LicenseRegistry.Open(path));
        Assert.Contains(path, e.Message);
    }

    // A dedicated thread, not a pool thread: both sides block at a barrier and on SQLite's locks.
    private static Task OnOwnThread(Action action) => Task.Factory.StartNew(action, TaskCreationOptions.LongRunning);

    // Two registry instances are two SQLite connections with their own locks, which is what two processes are at the
    // SQLite level. The CLI-level test with two `deeppassport license issue` processes is done by the lead.
    [Fact]
    public async Task ConcurrentIssuing_FromTwoConnections_AllLand()
    {
        LicenseRegistry.Open(RegistryPath).Dispose();
        using var start = new Barrier(2);
        void Issue(int who)
        {
            using var registry = LicenseRegistry.Open(RegistryPath);
            start.SignalAndWait();
            for (int i = 0; i < 20; i++)
                registry.Add($"user-{who}-{i}", Picture(who * 100 + i), PassportPng(who * 100 + i), T0);
        }
        await Task.WhenAll(OnOwnThread(() => Issue(1)), OnOwnThread(() => Issue(2)));
        using var check = LicenseRegistry.Open(RegistryPath);
        var all = check.List();
        Assert.Equal(40, all.Count);
        Assert.Equal(40, all.Select(l => l.User).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), all.Select(l => l.Id));
    }

    [Fact]
    public async Task ConcurrentCreation_OfANewFile_Works()
    {
        using var start = new Barrier(2);
        void OpenAndAdd(int who)
        {
            start.SignalAndWait();
            using var registry = LicenseRegistry.Open(RegistryPath);
            registry.Add($"user-{who}", Picture(who), PassportPng(who), T0);
        }
        await Task.WhenAll(OnOwnThread(() => OpenAndAdd(1)), OnOwnThread(() => OpenAndAdd(2)));
        using var check = LicenseRegistry.Open(RegistryPath);
        Assert.Equal(2, check.List().Count);
    }
}
