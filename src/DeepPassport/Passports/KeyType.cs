namespace DeepPassport.Passports;

/// <summary>
/// How passports are made (reference-spec §1.6, the <c>--key-type</c> flag): <see cref="Random"/> U(-1, 1) noise,
/// <see cref="Image"/> the activations of one real image per key, <see cref="Shuffle"/> a channel-wise mix of the
/// activations of 20 real images per key (DeepIPR's default).
/// </summary>
public enum KeyType { Random, Image, Shuffle }

public static class KeyTypes
{
    public static readonly IReadOnlyList<string> Names = ["random", "image", "shuffle"];

    public static KeyType Parse(string s) => s.Trim().ToLowerInvariant() switch
    {
        "random" => KeyType.Random,
        "image" => KeyType.Image,
        "shuffle" => KeyType.Shuffle,
        _ => throw new ArgumentException($"Unknown key type '{s}'; expected one of {string.Join(", ", Names)}."),
    };

    public static string ToOptionString(this KeyType k) => Names[(int)k];
}
