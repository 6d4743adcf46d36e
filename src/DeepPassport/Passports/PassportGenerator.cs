using DeepPassport.Engine.Tensors;

namespace DeepPassport.Passports;

/// <summary>
/// Makes passports: tensors of a layer's input shape with batch 1 (reference-spec §1.6). They are generated once,
/// seeded, and stored with the owner's secrets — never regenerated at verification time.
/// </summary>
public static class PassportGenerator
{
    /// <summary>The number of images behind each key of the `shuffle` type.</summary>
    public const int ShuffleImages = 20;

    /// <summary>The `random` key type: every element i.i.d. U(-1, 1).</summary>
    public static Tensor Random(ConvBlockInfo block, Rng rng) =>
        Tensor.Rand(rng, -1f, 1f, 1, block.InChannels, block.InHeight, block.InWidth);

    /// <summary>
    /// The `shuffle` key type from the activations [n, C, H, W] of n images at one layer: for C = 3 (the image
    /// itself) one of the n at random; otherwise channel slot k takes a random, not yet used channel of image k mod n,
    /// so every passport channel is a real feature map and the channels are mixed across images.
    /// </summary>
    public static Tensor Shuffle(Tensor activations, Rng rng)
    {
        if (activations.Rank != 4) throw new ArgumentException($"Activations must be [n, C, H, W], got {activations.ShapeString}.");
        int n = activations.Shape[0], c = activations.Shape[1], plane = activations.Shape[2] * activations.Shape[3];
        if (c == 3) return activations.Slice(rng.NextInt(n), 1);
        // Image i hands out its channels in the order of its own permutation: no (image, channel) pair twice.
        var order = Enumerable.Range(0, n).Select(_ => rng.Permutation(c)).ToArray();
        var used = new int[n];
        var p = new Tensor(1, c, activations.Shape[2], activations.Shape[3]);
        for (int k = 0; k < c; k++)
        {
            int image = k % n, channel = order[image][used[image]++];
            activations.Data.AsSpan((image * c + channel) * plane, plane).CopyTo(p.Data.AsSpan(k * plane, plane));
        }
        return p;
    }
}
