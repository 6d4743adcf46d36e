using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Models;

/// <summary>
/// The ResNet basic block (reference spec 1.4): out = ReLU(convbn_2(convbnrelu_1(x)) + shortcut(x)), where
/// <c>convbnrelu_1</c> is 3x3 with the block's stride and a ReLU, <c>convbn_2</c> is 3x3 stride 1 without ReLU, and
/// <c>shortcut</c> is a 1x1 conv block without ReLU when the stride is not 1 or the channel count changes
/// (otherwise the identity, with no module).
/// </summary>
public sealed class BasicBlock : Module
{
    /// <summary>Builds the block at dotted <paramref name="path"/> (e.g. "layer2.0") through <paramref name="blocks"/>.</summary>
    public BasicBlock(string path, int inChannels, int outChannels, int stride, IConvBlockFactory blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ConvBnRelu1 = RegisterModule("convbnrelu_1", blocks.Create($"{path}.convbnrelu_1", inChannels, outChannels, 3, stride, 1, relu: true));
        ConvBn2 = RegisterModule("convbn_2", blocks.Create($"{path}.convbn_2", outChannels, outChannels, 3, 1, 1, relu: false));
        if (stride != 1 || inChannels != outChannels)
            Shortcut = RegisterModule("shortcut", blocks.Create($"{path}.shortcut", inChannels, outChannels, 1, stride, 0, relu: false));
    }

    /// <summary>The first 3x3 conv block (with ReLU).</summary>
    public Module ConvBnRelu1 { get; }

    /// <summary>The second 3x3 conv block (no ReLU).</summary>
    public Module ConvBn2 { get; }

    /// <summary>The 1x1 projection, or null for an identity shortcut.</summary>
    public Module? Shortcut { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var h = ConvBnRelu1.Forward(input);
        var residual = TensorScope.Consumed(h, ConvBn2.Forward(h));
        var skip = Shortcut?.Forward(input) ?? input;
        var output = residual.AddRelu(skip);   // ReLU(residual + skip) in one pass
        if (!ReferenceEquals(skip, input)) TensorScope.Consumed(skip, output);
        return TensorScope.Consumed(residual, output);
    }
}
