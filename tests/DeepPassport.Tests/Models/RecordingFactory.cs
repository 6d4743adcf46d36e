using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;

namespace DeepPassport.Tests.Models;

/// <summary>Plain blocks, remembering every request; optionally replaces the block at one path.</summary>
internal sealed class RecordingFactory(NormType norm, string? replacePath = null, Module? replacement = null) : IConvBlockFactory
{
    private readonly PlainConvBlockFactory _inner = new(norm, new Rng(5));

    public List<(string Path, int In, int Out, int Kernel, int Stride, int Padding, bool Relu)> Calls { get; } = [];

    public Module Create(string path, int inChannels, int outChannels, int kernel, int stride, int padding, bool relu)
    {
        Calls.Add((path, inChannels, outChannels, kernel, stride, padding, relu));
        return path == replacePath ? replacement! : _inner.Create(path, inChannels, outChannels, kernel, stride, padding, relu);
    }
}
