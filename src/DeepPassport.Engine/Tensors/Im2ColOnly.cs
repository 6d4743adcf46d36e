namespace DeepPassport.Engine.Tensors;

/// <summary>
/// Within a scope, every <see cref="F.Conv2d"/> started on this thread goes by im2col whatever its geometry (no
/// Winograd): its products are then summed as a direct convolution sums them. For comparing whole training steps with
/// PyTorch's: Winograd rounds differently (within 2e-5 of the largest output), and in a network that can tip a near-tie
/// in a max-pool or a ReLU the other way, which moves a gradient by far more than the rounding (ModelStepGoldenTests).
/// Like <see cref="NoGrad"/>, the choice is made when the forward runs; its backward follows it.
/// </summary>
public static class Im2ColOnly
{
    [ThreadStatic] private static int _depth;

    public static bool IsActive => _depth > 0;

    public static Im2ColOnlyScope Scope() { _depth++; return new Im2ColOnlyScope(); }

    internal static void Exit() => _depth--;
}

public readonly struct Im2ColOnlyScope : IDisposable
{
    public void Dispose() => Im2ColOnly.Exit();
}
