using DeepPassport.Engine.Tensors;

namespace DeepPassport.Passports;

/// <summary>
/// Makes passports: tensors of a layer's input shape with batch 1 (reference-spec §1.6). They are generated once,
/// seeded, and stored with the owner's secrets — never regenerated at verification time.
/// </summary>
public static class PassportGenerator
{
    /// <summary>The `random` key type: every element i.i.d. U(-1, 1).</summary>
    public static Tensor Random(ConvBlockInfo block, Rng rng) =>
        Tensor.Rand(rng, -1f, 1f, 1, block.InChannels, block.InHeight, block.InWidth);
}
