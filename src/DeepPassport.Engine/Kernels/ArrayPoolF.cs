using System.Buffers;

namespace DeepPassport.Engine.Kernels;

/// <summary>Scratch float buffers for kernels (packing, im2col), so a training step does not allocate them anew.</summary>
internal static class ArrayPoolF
{
    private static readonly ArrayPool<float> Pool = ArrayPool<float>.Create(1 << 26, 64);

    public static float[] Rent(int length) => Pool.Rent(Math.Max(length, 1));

    /// <summary>
    /// A buffer of at least <paramref name="length"/> floats from index <paramref name="start"/>, where its data begin on
    /// a 64-byte line: a 512-bit load or store that straddles two lines costs two (the Winograd input transform ran 17 %
    /// slower into a buffer 16 bytes off a line). The start is read from the array's address now; should the GC move
    /// the array, the data stay right, only no longer aligned.
    /// </summary>
    public static unsafe float[] RentAligned(int length, out int start)
    {
        var array = Rent(length + 15);
        fixed (float* p = array) start = (int)((-(nint)p & 63) / sizeof(float));
        return array;
    }

    public static void Return(float[] array) => Pool.Return(array);
}
