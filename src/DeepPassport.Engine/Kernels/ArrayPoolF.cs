using System.Buffers;

namespace DeepPassport.Engine.Kernels;

/// <summary>Scratch float buffers for kernels (packing, im2col), so a training step does not allocate them anew.</summary>
internal static class ArrayPoolF
{
    private static readonly ArrayPool<float> Pool = ArrayPool<float>.Create(1 << 26, 64);

    public static float[] Rent(int length) => Pool.Rent(Math.Max(length, 1));

    public static void Return(float[] array) => Pool.Return(array);
}
