using DeepPassport.Engine.Data;
using DeepPassport.Engine.Imaging;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.Imaging;

public class ImageOpsTests
{
    /// <summary>Gray image whose pixel (x, y) is 10 * y + x + 1 (never 0, so padding is visible).</summary>
    private static Image Numbered(int w, int h)
    {
        var img = new Image(w, h, 1);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img[x, y, 0] = (byte)(10 * y + x + 1);
        return img;
    }

    [Fact]
    public void Crop_TakesTheWindow_AndFillsOutsideWithZeros()
    {
        Image c = ImageOps.Crop(Numbered(4, 3), 2, 1, 2, 2);
        Assert.Equal(new byte[] { 13, 14, 23, 24 }, c.Pixels);
        Image o = ImageOps.Crop(Numbered(2, 2), -1, 1, 3, 2);
        Assert.Equal(new byte[] { 0, 11, 12, 0, 0, 0 }, o.Pixels);
    }

    [Theory]
    [InlineData(5, 2, 2)]  // round(1.5) = 2 (half to even)
    [InlineData(7, 2, 2)]  // round(2.5) = 2
    [InlineData(6, 2, 2)]
    [InlineData(4, 1, 2)]  // round(1.5) = 2
    public void CenterCrop_UsesPythonRounding(int size, int target, int expectedOffset)
    {
        Image c = ImageOps.CenterCrop(Numbered(size, size), target, target);
        Assert.Equal((byte)(10 * expectedOffset + expectedOffset + 1), c[0, 0, 0]);
    }

    [Fact]
    public void CenterCrop_PadsSmallImagesLikeTorchvision()
    {
        // Width 2 -> 3: pad 0 left, 1 right. Height 1 -> 4: pad 1 above, 2 below.
        Image c = ImageOps.CenterCrop(Numbered(2, 1), 3, 4);
        Assert.Equal(new byte[] { 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0 }, c.Pixels);
    }

    [Fact]
    public void RandomCrop_IsReproducibleAndInside()
    {
        Image src = Numbered(9, 8);
        for (ulong seed = 0; seed < 20; seed++)
        {
            Image a = ImageOps.RandomCrop(src, 4, 3, new Rng(seed)), b = ImageOps.RandomCrop(src, 4, 3, new Rng(seed));
            Assert.Equal(a.Pixels, b.Pixels);
            Assert.DoesNotContain((byte)0, a.Pixels);
        }
        Assert.Throws<ArgumentException>(() => ImageOps.RandomCrop(src, 10, 3, new Rng(1)));
    }

    [Fact]
    public void FlipHorizontal_And_ToRgb()
    {
        var rgb = new Image(2, 1, 3, [1, 2, 3, 4, 5, 6]);
        Assert.Equal(new byte[] { 4, 5, 6, 1, 2, 3 }, ImageOps.FlipHorizontal(rgb).Pixels);
        Assert.Same(rgb, ImageOps.ToRgb(rgb));
        Assert.Equal(new byte[] { 7, 7, 7, 9, 9, 9 }, ImageOps.ToRgb(new Image(2, 1, 1, [7, 9])).Pixels);
    }

    [Fact]
    public void ToTensor_IsChwOver255_AndFromTensorInvertsIt()
    {
        var img = new Image(2, 1, 3, [0, 51, 255, 102, 153, 204]);
        Tensor t = ImageTensor.ToTensor(img);
        Assert.Equal([3, 1, 2], t.Shape);
        Assert.Equal([0f, 102 / 255f, 51 / 255f, 153 / 255f, 1f, 204 / 255f], t.Data);

        Tensor n = ImageTensor.ToTensor(img, Normalization.Cifar);
        Assert.Equal((0f - 0.4914f) / 0.2023f, n.Data[0]);
        Assert.Equal(img.Pixels, ImageTensor.FromTensor(n, Normalization.Cifar).Pixels);
        Assert.Equal(img.Pixels, ImageTensor.FromTensor(new Tensor(t.Data, 1, 3, 1, 2)).Pixels);
        Assert.Throws<ArgumentException>(() => ImageTensor.ToTensor(new Image(1, 1, 1), Normalization.Cifar));
    }
}
