namespace DeepPassport.Engine.Nn;

/// <summary>
/// A state dict does not fit a module: a shape or type mismatch, or (in strict mode) missing or unexpected
/// names. Nothing is loaded when it is thrown.
/// </summary>
public sealed class StateDictException : Exception
{
    /// <summary>Creates the exception with a message naming the offending entries.</summary>
    public StateDictException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public StateDictException(string message, Exception inner) : base(message, inner) { }
}
