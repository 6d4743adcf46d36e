using DeepPassport.Engine.Imaging;
using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Stego;

/// <summary>
/// The invertible steganographic network of Steganographic Passport (a key-based HiNet, reference-spec §4.2):
/// <see cref="BlockCount"/> invertible blocks (inv1 … invN) on the Haar bands of two RGB images.
/// Hide: Y = ISN([DWT(cover), DWT(secret)]), stego = IWT(Y[0:12]); Y[12:24] is discarded.
/// Reveal: X = ISN⁻¹([DWT(stego), DWT(key)]), secret = IWT(X[12:24]): the key image stands in for the discarded half.
/// Images are [N, 3, H, W] tensors in [0, 1] with even H and W.
/// </summary>
public sealed class Isn : Module
{
    /// <summary>Channels of one stream: the 4 Haar bands of RGB.</summary>
    public const int StreamChannels = 12;
    private readonly InvertibleBlock[] _blocks;

    public Isn(int blocks, Rng rng)
    {
        if (blocks is < 1 or > 64) throw new ArgumentOutOfRangeException(nameof(blocks), blocks, "An ISN has 1 to 64 invertible blocks (SP uses 8, HiNet 16).");
        _blocks = new InvertibleBlock[blocks];
        for (int i = 0; i < blocks; i++) _blocks[i] = RegisterModule($"inv{i + 1}", new InvertibleBlock(StreamChannels, rng));
    }

    public int BlockCount => _blocks.Length;

    /// <summary>The hiding pass on Haar bands: [N, 24, h, w] to [N, 24, h, w].</summary>
    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var block in _blocks) x = block.Forward(x);
        return x;
    }

    /// <summary>The revealing pass on Haar bands, blocks in reverse order.</summary>
    public Tensor Reverse(Tensor output)
    {
        var x = output;
        for (int i = _blocks.Length - 1; i >= 0; i--) x = _blocks[i].Reverse(x);
        return x;
    }

    /// <summary>Hides <paramref name="secret"/> in <paramref name="cover"/>. Returns the stego bands (Y[0:12], whose first 3
    /// channels are the stego's LL band) and the stego image IWT(Y[0:12]).</summary>
    public (Tensor StegoBands, Tensor Stego) Hide(Tensor cover, Tensor secret)
    {
        CheckImages(cover, secret, "cover", "secret");
        var y = Forward(Tensor.Cat([F.HaarDwt(cover), F.HaarDwt(secret)], 1));
        var bands = y.Narrow(1, 0, StreamChannels);
        return (bands, F.HaarIwt(bands));
    }

    /// <summary>Reveals the secret hidden in <paramref name="stego"/> with the steganographic <paramref name="key"/>
    /// (an image of the stego's size, or one image [1, 3, H, W] used for the whole batch).</summary>
    public Tensor Reveal(Tensor stego, Tensor key)
    {
        if (key.Shape[0] == 1 && stego.Shape[0] > 1) key = Tensor.Cat(Enumerable.Repeat(key, stego.Shape[0]).ToArray(), 0);
        CheckImages(stego, key, "stego", "key");
        var x = Reverse(Tensor.Cat([F.HaarDwt(stego), F.HaarDwt(key)], 1));
        return F.HaarIwt(x.Narrow(1, StreamChannels, StreamChannels));
    }

    /// <summary>The user-side passport: <paramref name="secret"/> hidden in <paramref name="cover"/>, both of this size.</summary>
    public Image HideImage(Image cover, Image secret)
    {
        using var _ = NoGrad.Scope();
        return ImageTensor.FromTensor(Hide(Batch(cover), Batch(secret)).Stego);
    }

    /// <summary>The secret revealed from a stego image with the key image (same size).</summary>
    public Image RevealImage(Image stego, Image key)
    {
        using var _ = NoGrad.Scope();
        return ImageTensor.FromTensor(Reveal(Batch(stego), Batch(key)));
    }

    private static Tensor Batch(Image image)
    {
        var t = ImageTensor.ToTensor(ImageOps.ToRgb(image));
        return t.Reshape(1, 3, image.Height, image.Width);
    }

    private static void CheckImages(Tensor a, Tensor b, string nameA, string nameB)
    {
        if (a.Rank != 4 || a.Shape[1] != 3 || a.Shape[2] % 2 != 0 || a.Shape[3] % 2 != 0)
            throw new ArgumentException($"The ISN takes RGB images [N, 3, H, W] with even H and W; the {nameA} is {a.ShapeString}.");
        if (!a.Shape.SequenceEqual(b.Shape))
            throw new ArgumentException($"The {nameA} {a.ShapeString} and the {nameB} {b.ShapeString} must have the same shape.");
    }
}
