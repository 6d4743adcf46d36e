namespace DeepPassport.Engine.Tensors;

/// <summary>
/// Turns graph recording off for the current thread: <c>using (NoGrad.Scope()) { ... }</c>
/// for evaluation, where no backward pass follows.
/// </summary>
public static class NoGrad
{
    [ThreadStatic] private static int _depth;

    public static bool IsRecording => _depth == 0;

    public static NoGradScope Scope() { _depth++; return new NoGradScope(); }

    internal static void Exit() => _depth--;
}

public readonly struct NoGradScope : IDisposable
{
    public void Dispose() => NoGrad.Exit();
}
