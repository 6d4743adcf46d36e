using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Stego;

/// <summary>
/// HiNet's affine coupling block (reference-spec §4.2.2) on [x1, x2] = [cover/stego stream, secret/z stream], each of
/// <c>streamChannels</c> channels. Hide: y1 = x1 + φ(x2), y2 = e(ρ(y1)) ⊙ x2 + η(y1). Reveal inverts it exactly:
/// x2 = (y2 − η(y1)) / e(ρ(y1)), x1 = y1 − φ(x2). The scale e(s) = exp(clamp · 2(σ(s) − 1/2)) stays in (e^−clamp, e^clamp).
/// </summary>
public sealed class InvertibleBlock : Module
{
    public const float Clamp = 2f;
    private readonly DenseSubnet _rho, _eta, _phi;

    public InvertibleBlock(int streamChannels, Rng rng)
    {
        StreamChannels = streamChannels;
        _rho = RegisterModule("r", new DenseSubnet(streamChannels, rng));
        _eta = RegisterModule("y", new DenseSubnet(streamChannels, rng));
        _phi = RegisterModule("f", new DenseSubnet(streamChannels, rng));
    }

    public int StreamChannels { get; }

    /// <summary>log e(s) = clamp · 2(σ(s) − 1/2).</summary>
    private static Tensor LogScale(Tensor s) => s.Sigmoid().AddScalar(-0.5f).MulScalar(2f * Clamp);

    /// <summary>The hiding direction.</summary>
    public override Tensor Forward(Tensor input)
    {
        var (x1, x2) = Split(input);
        var y1 = x1 + _phi.Forward(x2);
        var y2 = LogScale(_rho.Forward(y1)).Exp() * x2 + _eta.Forward(y1);
        return Tensor.Cat([y1, y2], 1);
    }

    /// <summary>The revealing direction, the exact inverse of <see cref="Forward"/>.</summary>
    public Tensor Reverse(Tensor output)
    {
        var (y1, y2) = Split(output);
        var x2 = (y2 - _eta.Forward(y1)) * LogScale(_rho.Forward(y1)).Neg().Exp();
        var x1 = y1 - _phi.Forward(x2);
        return Tensor.Cat([x1, x2], 1);
    }

    private (Tensor First, Tensor Second) Split(Tensor t)
    {
        if (t.Rank != 4 || t.Shape[1] != 2 * StreamChannels)
            throw new ArgumentException($"Invertible block expects [N, {2 * StreamChannels}, H, W], got {t.ShapeString}.");
        return (t.Narrow(1, 0, StreamChannels), t.Narrow(1, StreamChannels, StreamChannels));
    }
}
