using System.Runtime.CompilerServices;

namespace DeepPassport.Engine.Nn;

/// <summary>Argument checks shared by the layer constructors.</summary>
internal static class Check
{
    public static int Positive(int value, [CallerArgumentExpression(nameof(value))] string name = "") =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");

    public static int NonNegative(int value, [CallerArgumentExpression(nameof(value))] string name = "") =>
        value >= 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must not be negative.");

    public static float Probability(float p, [CallerArgumentExpression(nameof(p))] string name = "") =>
        p is >= 0f and < 1f ? p : throw new ArgumentOutOfRangeException(name, p, $"{name} must be in [0, 1).");

    public static float PositiveFloat(float value, [CallerArgumentExpression(nameof(value))] string name = "") =>
        value > 0f ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
}
