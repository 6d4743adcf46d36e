using DeepPassport.Engine.Data;
using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;

namespace DeepPassport.Passports;

/// <summary>
/// The activation that enters each conv block when real images run through a plain network of the architecture
/// (reference-spec §1.6): the stem sees the image, later blocks see what the plain network made of it. Recording
/// each block's own input gives the reference rules for ResNet for free (convbn_2 gets convbnrelu_1's output, the
/// shortcut gets the block input).
/// </summary>
public static class ActivationMaps
{
    /// <summary>
    /// Runs <paramref name="images"/> ([n, 3, 32, 32], normalised) through a plain <paramref name="arch"/> whose
    /// weights come from <paramref name="weights"/> (a plain state dict, e.g. a trained model) or, when null, a
    /// random initialisation from <paramref name="rng"/>, without gradients, in evaluation mode — or in training mode
    /// (<paramref name="trainMode"/>, SP's rule: each image runs alone, so batch norm uses that image's own statistics).
    /// Returns each conv block's input by path, [n, C_in, H, W].
    /// </summary>
    public static IReadOnlyDictionary<string, Tensor> Capture(string arch, NormType norm, Tensor images, StateDict? weights, Rng rng, bool trainMode = false)
    {
        var factory = new TapFactory(norm, rng);
        var model = ModelFactory.Create(arch, 10, factory, rng);
        if (weights is not null)
        {
            // The classifier may have another class count: only the conv trunk matters here.
            var trunk = new StateDict();
            foreach (var (name, value) in weights)
                if (!name.StartsWith("classifier.", StringComparison.Ordinal) && !name.StartsWith("linear.", StringComparison.Ordinal)) trunk.Add(name, value);
            var report = model.LoadStateDict(trunk, strict: false);
            var missing = report.MissingKeys.Where(n => !n.StartsWith("classifier.", StringComparison.Ordinal) && !n.StartsWith("linear.", StringComparison.Ordinal)).ToList();
            if (missing.Count > 0 || report.UnexpectedKeys.Count > 0)
                throw new InvalidDataException($"The pretrained weights do not fit a plain {arch} with norm {norm.ToOptionString()}: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", report.UnexpectedKeys)}].");
        }
        using (NoGrad.Scope())
        {
            model.Train(trainMode);
            if (!trainMode)
            {
                model.Forward(images);
                return factory.Taps.ToDictionary(t => t.Path, t => t.Input ?? throw new InvalidOperationException($"Block {t.Path} saw no input."));
            }
            var perImage = factory.Taps.ToDictionary(t => t.Path, _ => new List<Tensor>());
            for (int i = 0; i < images.Shape[0]; i++)
            {
                model.Forward(images.Slice(i, 1));
                foreach (var t in factory.Taps) perImage[t.Path].Add(t.Input!);
            }
            return perImage.ToDictionary(p => p.Key, p => Tensor.Cat(p.Value, axis: 0));
        }
    }

    /// <summary>Images as one normalised 32x32 batch: Resize(32) on the shorter side, CenterCrop(32), RGB.</summary>
    public static Tensor FromImages(IReadOnlyList<Engine.Imaging.Image> images, Normalization normalization)
    {
        var batch = new Tensor(images.Count, 3, ConvBlockLayout.ImageSize, ConvBlockLayout.ImageSize);
        int size = 3 * ConvBlockLayout.ImageSize * ConvBlockLayout.ImageSize;
        for (int i = 0; i < images.Count; i++)
        {
            var small = Engine.Imaging.ImageOps.CenterCrop(Engine.Imaging.ImageResize.ShorterSide(Engine.Imaging.ImageOps.ToRgb(images[i]), ConvBlockLayout.ImageSize),
                ConvBlockLayout.ImageSize, ConvBlockLayout.ImageSize);
            Engine.Imaging.ImageTensor.CopyChw(small, batch.Data.AsSpan(i * size, size), normalization);
        }
        return batch;
    }

    /// <summary>The first <paramref name="count"/> images of a data set (in a seeded random order) as one normalised batch.</summary>
    public static Tensor Pick(IImageDataset pool, int count, Augmentation augmentation, Rng rng)
    {
        if (pool.Count < count) throw new ArgumentException($"The passport image pool holds {pool.Count} images; {count} are needed.");
        var order = rng.Permutation(pool.Count);
        int size = pool.Channels * pool.Height * pool.Width;
        var raw = new float[size];
        var data = new float[count * size];
        for (int i = 0; i < count; i++)
        {
            pool.CopyImage(order[i], raw);
            augmentation.Apply(raw, data.AsSpan(i * size, size), pool.Channels, pool.Height, pool.Width, rng);
        }
        return Tensor.FromArray(data, count, pool.Channels, pool.Height, pool.Width);
    }

    private sealed class TapFactory(NormType norm, Rng rng) : IConvBlockFactory
    {
        public List<Tap> Taps { get; } = [];

        public Module Create(string path, int inChannels, int outChannels, int kernel, int stride, int padding, bool relu)
        {
            var tap = new Tap(path, new ConvBlock(inChannels, outChannels, kernel, stride, padding, norm, relu, rng));
            Taps.Add(tap);
            return tap;
        }
    }

    /// <summary>A plain conv block that remembers its input; its children keep the plain names (conv, bn).</summary>
    private sealed class Tap : Module
    {
        private readonly ConvBlock _block;

        public Tap(string path, ConvBlock block)
        {
            Path = path;
            _block = block;
            foreach (var (name, child) in block.NamedChildren()) RegisterModule(name, child);
        }

        public string Path { get; }
        public Tensor? Input { get; private set; }

        public override Tensor Forward(Tensor input)
        {
            Input = input;
            return _block.Forward(input);
        }
    }
}
