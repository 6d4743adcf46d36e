using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;

namespace DeepPassport.Passports;

/// <summary>One conv block of an architecture: its dotted path, channel counts and input size (for 3x32x32 images).</summary>
public sealed record ConvBlockInfo(string Path, int InChannels, int OutChannels, int InHeight, int InWidth);

/// <summary>
/// The conv blocks of an architecture, in construction (= config) order, found by building the model through a
/// factory that records every block it is asked for and running one 32x32 image through it — so the list, and the
/// passport shapes derived from it, cannot drift from the model code. The probe blocks are weightless stand-ins
/// that only produce the right output shape.
/// </summary>
public static class ConvBlockLayout
{
    public const int ImageSize = 32;

    public static IReadOnlyList<ConvBlockInfo> Of(string arch)
    {
        var recorder = new Recorder();
        var model = ModelFactory.Create(arch, 10, recorder, new Rng(0));
        using (NoGrad.Scope()) model.Eval().Forward(Tensor.Zeros(1, 3, ImageSize, ImageSize));
        return recorder.Probes.Select(p => new ConvBlockInfo(p.Path, p.InChannels, p.OutChannels, p.InHeight, p.InWidth)).ToList();
    }

    private sealed class Recorder : IConvBlockFactory
    {
        public List<Probe> Probes { get; } = [];

        public Module Create(string path, int inChannels, int outChannels, int kernel, int stride, int padding, bool relu)
        {
            var probe = new Probe(path, inChannels, outChannels, kernel, stride, padding);
            Probes.Add(probe);
            return probe;
        }
    }

    /// <summary>Records its input size and returns zeros of the conv's output shape.</summary>
    private sealed class Probe(string path, int inChannels, int outChannels, int kernel, int stride, int padding) : Module
    {
        public string Path => path;
        public int InChannels => inChannels;
        public int OutChannels => outChannels;
        public int InHeight { get; private set; }
        public int InWidth { get; private set; }

        public override Tensor Forward(Tensor input)
        {
            InHeight = input.Shape[2];
            InWidth = input.Shape[3];
            int oh = (InHeight + 2 * padding - kernel) / stride + 1, ow = (InWidth + 2 * padding - kernel) / stride + 1;
            return Tensor.Zeros(input.Shape[0], outChannels, oh, ow);
        }
    }
}
