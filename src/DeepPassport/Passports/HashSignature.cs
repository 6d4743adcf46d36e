using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using DeepPassport.Engine.Imaging;

namespace DeepPassport.Passports;

/// <summary>How per-layer bits come from the owner passport's digest: counter mode (any width, independent layers) or the original prefix rule.</summary>
public enum HashRule { Counter, Compat }

/// <summary>
/// Steganographic Passport's owner signature b = SGN(HASH(p_o)) (reference-spec §4.4): whoever holds the owner
/// passport can recompute b; nobody can find a passport for a given b. The bytes hashed are defined here, once:
/// <code>
/// canonical = UTF-8("DeepPassport owner passport v1") 0x00 u32(image count)
///             then per image: u32(width) u32(height) RGB8 pixels, row-major      (u32 little-endian)
/// D         = SHA-512(canonical)
/// </code>
/// Layer i (0-based, config order) with C channels takes the first C bits, most significant bit first, of
/// SHA-512(D ‖ u32(i) ‖ u32(0)) ‖ SHA-512(D ‖ u32(i) ‖ u32(1)) ‖ … (counter mode: any C, independent layers);
/// bit 1 is +1, bit 0 is −1. <see cref="Compat"/> is the original rule: every layer the first C ≤ 512 bits of D.
/// </summary>
public static class HashSignature
{
    /// <summary>The signature of layer i from the owner passport's digest D.</summary>
    public static Signature Derive(byte[] digest, int layerIndex, int channels, HashRule rule) =>
        rule == HashRule.Counter ? ForLayer(digest, layerIndex, channels) : Compat(digest, channels);

    public const string DomainTag = "DeepPassport owner passport v1";

    /// <summary>The canonical byte string of an owner passport (its images as RGB8).</summary>
    public static byte[] CanonicalBytes(IReadOnlyList<Image> images)
    {
        using var ms = new MemoryStream();
        ms.Write(Encoding.UTF8.GetBytes(DomainTag));
        ms.WriteByte(0);
        WriteU32(ms, images.Count);
        foreach (var image in images)
        {
            var rgb = ImageOps.ToRgb(image);
            WriteU32(ms, rgb.Width);
            WriteU32(ms, rgb.Height);
            ms.Write(rgb.Pixels);
        }
        return ms.ToArray();
    }

    /// <summary>D = SHA-512 of the canonical bytes.</summary>
    public static byte[] Digest(IReadOnlyList<Image> images) => SHA512.HashData(CanonicalBytes(images));

    /// <summary>Layer <paramref name="layerIndex"/>'s signature of <paramref name="channels"/> bits by counter mode.</summary>
    public static Signature ForLayer(byte[] digest, int layerIndex, int channels)
    {
        var stream = new List<byte>();
        Span<byte> block = stackalloc byte[digest.Length + 8];
        digest.CopyTo(block);
        for (int counter = 0; stream.Count * 8 < channels; counter++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(block[digest.Length..], (uint)layerIndex);
            BinaryPrimitives.WriteUInt32LittleEndian(block[(digest.Length + 4)..], (uint)counter);
            stream.AddRange(SHA512.HashData(block));
        }
        return FromBits(stream, channels);
    }

    /// <summary>The original rule: the first C bits of D for every layer (so equal-width layers share bits); C ≤ 512.</summary>
    public static Signature Compat(byte[] digest, int channels)
    {
        if (channels > digest.Length * 8)
            throw new ArgumentException($"The compatibility rule takes at most {digest.Length * 8} bits from one digest; the layer has {channels} channels. Use the counter-mode rule.");
        return FromBits(digest, channels);
    }

    private static Signature FromBits(IReadOnlyList<byte> bytes, int count) =>
        new(Enumerable.Range(0, count).Select(i => ((bytes[i / 8] >> (7 - i % 8)) & 1) == 1 ? 1 : -1));

    private static void WriteU32(Stream s, int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, checked((uint)value));
        s.Write(b);
    }
}
