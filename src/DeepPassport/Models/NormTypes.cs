namespace DeepPassport.Models;

/// <summary>Conversions between <see cref="NormType"/> and the option strings "bn", "gn", "in", "none".</summary>
public static class NormTypes
{
    /// <summary>Parses "bn", "gn", "in" or "none" (case-insensitive); throws an <see cref="ArgumentException"/> otherwise.</summary>
    public static NormType Parse(string text) =>
        TryParse(text, out var norm) ? norm
            : throw new ArgumentException($"Unknown norm type '{text}'; expected one of bn, gn, in, none.", nameof(text));

    /// <summary>Parses "bn", "gn", "in" or "none" (case-insensitive).</summary>
    public static bool TryParse(string? text, out NormType norm)
    {
        NormType? parsed = text?.Trim().ToLowerInvariant() switch
        {
            "bn" => NormType.Bn,
            "gn" => NormType.Gn,
            "in" => NormType.In,
            "none" => NormType.None,
            _ => null,
        };
        norm = parsed.GetValueOrDefault();
        return parsed.HasValue;
    }

    /// <summary>The option string: "bn", "gn", "in" or "none".</summary>
    public static string ToOptionString(this NormType norm) => norm switch
    {
        NormType.Bn => "bn",
        NormType.Gn => "gn",
        NormType.In => "in",
        NormType.None => "none",
        _ => throw new ArgumentOutOfRangeException(nameof(norm)),
    };
}
