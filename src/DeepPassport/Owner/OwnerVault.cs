using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace DeepPassport.Owner;

/// <summary>A vault that cannot be opened: wrong passphrase, modified bytes, or not a vault at all. The message names the file.</summary>
public sealed class VaultException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// The owner vault: named files (owner.json, passports, private state, owner passport images, ISN…) in one file,
/// encrypted and authenticated with AES-256-GCM under a key derived from a passphrase with PBKDF2-HMAC-SHA256.
/// <code>
/// header  = "DPVAULT\0" u32(version 1) u32(kdf 1 = PBKDF2-SHA256) u32(iterations) salt[16] nonce[12] u64(length)
/// file    = header ‖ AES-GCM(key, nonce, plaintext = zip of the files, associated data = header) ‖ tag[16]
/// key     = PBKDF2-HMAC-SHA256(UTF-8 passphrase, salt, iterations, 32 bytes)
/// </code>
/// The header is authenticated, so changing the iteration count or any byte fails like a wrong passphrase does
/// (GCM cannot tell the two apart, and says so). Writes are atomic: a temporary file renamed into place.
/// </summary>
public static class OwnerVault
{
    public const int DefaultIterations = 600_000;   // OWASP's 2023 figure for PBKDF2-HMAC-SHA256
    public const int MinPassphraseLength = 8;
    private static readonly byte[] Magic = "DPVAULT\0"u8.ToArray();
    private const int Version = 1, KdfPbkdf2Sha256 = 1, SaltSize = 16, NonceSize = 12, TagSize = 16;
    private const int HeaderSize = 8 + 4 + 4 + 4 + SaltSize + NonceSize + 8;
    private const long MaxPayload = 1L << 31;

    public static void Write(string path, IReadOnlyDictionary<string, byte[]> files, string passphrase, int iterations = DefaultIterations)
    {
        CheckPassphrase(passphrase);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1000);
        byte[] plain = Zip(files);
        var header = new byte[HeaderSize];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), Version);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), KdfPbkdf2Sha256);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), (uint)iterations);
        var salt = header.AsSpan(20, SaltSize);
        var nonce = header.AsSpan(20 + SaltSize, NonceSize);
        RandomNumberGenerator.Fill(salt);
        RandomNumberGenerator.Fill(nonce);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(20 + SaltSize + NonceSize), (ulong)plain.Length);
        var cipher = new byte[plain.Length];
        var tag = new byte[TagSize];
        using (var aes = new AesGcm(DeriveKey(passphrase, salt, iterations), TagSize))
            aes.Encrypt(nonce, plain, cipher, tag, header);
        CryptographicOperations.ZeroMemory(plain);

        string full = Path.GetFullPath(path);
        string temp = full + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            using (var f = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                f.Write(header);
                f.Write(cipher);
                f.Write(tag);
                f.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally { if (File.Exists(temp)) File.Delete(temp); }
    }

    public static IReadOnlyDictionary<string, byte[]> Read(string path, string passphrase)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"owner vault '{path}' does not exist.", path);
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < HeaderSize + TagSize || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
            throw new VaultException($"'{path}' is not a DeepPassport owner vault (no DPVAULT header).");
        var header = bytes.AsSpan(0, HeaderSize);
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]), kdf = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        uint iterations = BinaryPrimitives.ReadUInt32LittleEndian(header[16..]);
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(header[(20 + SaltSize + NonceSize)..]);
        if (version != Version) throw new VaultException($"owner vault '{path}' has version {version}; this DeepPassport reads version {Version}.");
        if (kdf != KdfPbkdf2Sha256 || iterations < 1000 || iterations > 100_000_000)
            throw new VaultException($"owner vault '{path}': its key-derivation settings are damaged (kdf {kdf}, {iterations} iterations).");
        if (length > MaxPayload || (long)length != bytes.Length - HeaderSize - TagSize)
            throw new VaultException($"owner vault '{path}' is truncated or has extra bytes (header says {length} payload bytes, file holds {bytes.Length - HeaderSize - TagSize}).");
        var plain = new byte[length];
        try
        {
            using var aes = new AesGcm(DeriveKey(passphrase, header.Slice(20, SaltSize), (int)iterations), TagSize);
            aes.Decrypt(header.Slice(20 + SaltSize, NonceSize), bytes.AsSpan(HeaderSize, (int)length), bytes.AsSpan(HeaderSize + (int)length, TagSize), plain, header);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new VaultException($"owner vault '{path}' cannot be opened: wrong passphrase, or the file was modified.", e);
        }
        try { return Unzip(plain); }
        finally { CryptographicOperations.ZeroMemory(plain); }
    }

    private static void CheckPassphrase(string passphrase)
    {
        if (string.IsNullOrEmpty(passphrase) || passphrase.Length < MinPassphraseLength)
            throw new ArgumentException($"The vault passphrase must have at least {MinPassphraseLength} characters.");
    }

    private static byte[] DeriveKey(string passphrase, ReadOnlySpan<byte> salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(passphrase), salt, iterations, HashAlgorithmName.SHA256, 32);

    private static byte[] Zip(IReadOnlyDictionary<string, byte[]> files)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, data) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                entry.Write(data);
            }
        return ms.ToArray();
    }

    private static Dictionary<string, byte[]> Unzip(byte[] plain)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var zip = new ZipArchive(new MemoryStream(plain), ZipArchiveMode.Read);
        foreach (var entry in zip.Entries)
        {
            using var s = entry.Open();
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            files[entry.FullName] = ms.ToArray();
        }
        return files;
    }
}
