using DeepPassport.Engine.Data;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.Data;

public class TransformsTests
{
    // A 2-channel 3x4 image whose value encodes its position: 100c + 10y + x + 1 (never 0).
    private static float[] Known(int c = 2, int h = 3, int w = 4)
    {
        var img = new float[c * h * w];
        for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) img[(ch * h + y) * w + x] = 100 * ch + 10 * y + x + 1;
        return img;
    }

    [Fact]
    public void FlipHorizontal_MirrorsRows()
    {
        float[] img = Known();
        Transforms.FlipHorizontal(img, 2, 3, 4);
        Assert.Equal([4f, 3f, 2f, 1f], img[..4]);
        Assert.Equal([124f, 123f, 122f, 121f], img[20..24]);
    }

    [Fact]
    public void CropPadded_CentreOffset_IsIdentity()
    {
        float[] src = Known(), dst = new float[src.Length];
        Transforms.CropPadded(src, dst, 2, 3, 4, padding: 4, top: 4, left: 4);
        Assert.Equal(src, dst);
    }

    [Fact]
    public void CropPadded_PutsZerosAtTheBorder()
    {
        float[] src = Known(), dst = new float[src.Length];
        // top = 3, left = 6 with padding 4: dst[y, x] = src[y - 1, x + 2]; row 0 and columns 2..3 fall in the padding.
        Transforms.CropPadded(src, dst, 2, 3, 4, padding: 4, top: 3, left: 6);
        Assert.Equal([0f, 0f, 0f, 0f], dst[..4]);
        Assert.Equal([3f, 4f, 0f, 0f], dst[4..8]);
        Assert.Equal([13f, 14f, 0f, 0f], dst[8..12]);
        Assert.Equal([103f, 104f, 0f, 0f], dst[16..20]);

        // A full shift by the padding leaves only zeros when padding >= size.
        Transforms.CropPadded(src, dst, 2, 3, 4, padding: 4, top: 0, left: 0);
        Assert.All(dst, v => Assert.Equal(0f, v));
        Assert.Throws<ArgumentOutOfRangeException>(() => Transforms.CropPadded(src, dst, 2, 3, 4, 4, 9, 0));
    }

    [Fact]
    public void Normalization_Values()
    {
        float[] img = [0f, 0.5f, 1f, 0f, 0.5f, 1f, 0f, 0.5f, 1f];
        Normalization.Cifar.Apply(img);
        Assert.Equal((0.5f - 0.4914f) / 0.2023f, img[1]);
        Assert.Equal((1f - 0.4822f) / 0.1994f, img[5]);
        Assert.Equal(-0.4465f / 0.2010f, img[6]);
        Assert.Equal(-2.4290657, img[0], 5); // -0.4914 / 0.2023 in double

        float[] one = [1f, 1f, 1f];
        Normalization.ImageNet.Apply(one);
        Assert.Equal([(1 - 0.485f) / 0.229f, (1 - 0.456f) / 0.224f, (1 - 0.406f) / 0.225f], one);
        Assert.Throws<ArgumentException>(() => new Normalization([0f], [0f]));
    }

    [Fact]
    public void Augmentation_CropsBeforeNormalising_AndMatchesItsParts()
    {
        float[] src = Known(3, 8, 8);
        for (int i = 0; i < src.Length; i++) src[i] /= 300f;
        var aug = new Augmentation(true, 4, true, Normalization.Cifar);
        var seenOffsets = new HashSet<(int, int)>();
        int flips = 0;
        for (ulong seed = 0; seed < 400; seed++)
        {
            var dst = new float[src.Length];
            aug.Apply(src, dst, 3, 8, 8, new Rng(seed));

            var replay = new Rng(seed);
            int top = replay.NextInt(9), left = replay.NextInt(9);
            bool flip = replay.NextDouble() < 0.5;
            var expect = new float[src.Length];
            Transforms.CropPadded(src, expect, 3, 8, 8, 4, top, left);
            if (flip) { Transforms.FlipHorizontal(expect, 3, 8, 8); flips++; }
            Normalization.Cifar.Apply(expect);
            Assert.Equal(expect, dst);
            seenOffsets.Add((top, left));

            // Zero padding happens in [0, 1] space, so padded pixels normalise to -mean/std.
            if (top == 0) Assert.Equal(-0.4914f / 0.2023f, dst[0]);
        }
        Assert.Equal(81, seenOffsets.Count);
        Assert.InRange(flips, 150, 250);
    }
}
