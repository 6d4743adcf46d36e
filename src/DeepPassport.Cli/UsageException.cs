namespace DeepPassport.Cli;

/// <summary>Bad usage or bad input: printed without a stack trace, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
