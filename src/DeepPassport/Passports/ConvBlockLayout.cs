using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;

namespace DeepPassport.Passports;

/// <summary>One conv block of an architecture: its dotted path and channel counts.</summary>
public sealed record ConvBlockInfo(string Path, int InChannels, int OutChannels);

/// <summary>
/// The conv blocks of an architecture, in construction (= config) order, found by building the plain model through
/// a factory that records every block it is asked for — so the list cannot drift from the model code. The recorder
/// hands back empty modules, so no weights are allocated.
/// </summary>
public static class ConvBlockLayout
{
    public static IReadOnlyList<ConvBlockInfo> Of(string arch)
    {
        var recorder = new Recorder();
        ModelFactory.Create(arch, 10, recorder, new Rng(0));
        return recorder.Blocks;
    }

    private sealed class Recorder : IConvBlockFactory
    {
        public List<ConvBlockInfo> Blocks { get; } = [];

        public Module Create(string path, int inChannels, int outChannels, int kernel, int stride, int padding, bool relu)
        {
            Blocks.Add(new ConvBlockInfo(path, inChannels, outChannels));
            return new Identity();
        }
    }
}
