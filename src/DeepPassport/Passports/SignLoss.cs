using DeepPassport.Engine.Tensors;

namespace DeepPassport.Passports;

/// <summary>
/// The sign loss of one passport layer (reference-spec §1.7):
/// L = alpha * sum_i max(0, margin - b_i s_i) + l2 * sum_i s_i^2, with margin 0.1 and l2 1e-5 as the papers.
/// </summary>
public sealed record SignLoss(float Alpha = 0.1f, float Margin = 0.1f, float L2 = 1e-5f)
{
    public Tensor Compute(Tensor scales, Signature signature)
    {
        if (scales.Size != signature.Length)
            throw new ArgumentException($"Sign loss: {scales.Size} scales for a signature of {signature.Length} bits.");
        var s = scales.Reshape(scales.Size);
        var hinge = F.Hinge(s * signature.ToTensor(), Margin).Sum();
        return hinge * Alpha + (s * s).Sum() * L2;
    }
}
