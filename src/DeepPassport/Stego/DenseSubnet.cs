using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Stego;

/// <summary>
/// The ISN's sub-network (HiNet's <c>ResidualDenseBlock_out</c>): five 3x3 convolutions with dense connections,
/// growth <see cref="Growth"/>. c1 = LReLU(conv1(x)), c2 = LReLU(conv2([x, c1])), c3 = LReLU(conv3([x, c1, c2])),
/// c4 = LReLU(conv4([x, c1, c2, c3])), out = conv5([x, c1, c2, c3, c4]) with no activation.
/// Initialised as reference-spec §4.2.2: every weight and bias 0.01·N(0, 1), conv5 all zero, so the block starts as
/// the identity of the invertible block around it.
/// </summary>
public sealed class DenseSubnet : Module
{
    public const int Growth = 32;
    private const float Slope = 0.01f;
    private readonly Conv2d[] _convs = new Conv2d[5];

    public DenseSubnet(int channels, Rng rng)
    {
        for (int i = 0; i < 5; i++)
        {
            int cin = channels + i * Growth, cout = i < 4 ? Growth : channels;
            var conv = RegisterModule($"conv{i + 1}", new Conv2d(cin, cout, 3, rng, padding: 1));
            if (i < 4) { Init.Normal(conv.Weight, rng, 0f, 0.01f); Init.Normal(conv.Bias!, rng, 0f, 0.01f); }
            else { Init.Constant(conv.Weight, 0f); Init.Constant(conv.Bias!, 0f); }
            _convs[i] = conv;
        }
    }

    public override Tensor Forward(Tensor input)
    {
        var features = new List<Tensor> { input };
        for (int i = 0; i < 4; i++)
            features.Add(_convs[i].Forward(features.Count == 1 ? input : Tensor.Cat(features, 1)).LeakyRelu(Slope));
        return _convs[4].Forward(Tensor.Cat(features, 1));
    }
}
