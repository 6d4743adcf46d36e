using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Schemes;

/// <summary>
/// The small perceptron PAN (F) and SP (the TLP) put between the pooled passport response and the branch's
/// affine: v -> W2 · LeakyReLU_0.01(W1 · v), W1 [h, C], W2 [C, h], no biases, h = max(1, C/4) (reference-spec
/// §3.1, §4.5). Children are named like the originals' <c>nn.Sequential</c>: <c>0</c> and <c>2</c>.
/// </summary>
public sealed class PassportMlp : Module
{
    public PassportMlp(int channels, Rng rng)
    {
        int hidden = Math.Max(1, channels / 4);
        W1 = RegisterModule("0", new Linear(channels, hidden, rng, bias: false));
        W2 = RegisterModule("2", new Linear(hidden, channels, rng, bias: false));
    }

    public Linear W1 { get; }
    public Linear W2 { get; }

    /// <summary>Maps a vector [C] to a vector [C].</summary>
    public override Tensor Forward(Tensor v) => W2.Forward(W1.Forward(v.Reshape(1, v.Size)).LeakyRelu(0.01f)).Reshape(v.Size);
}
