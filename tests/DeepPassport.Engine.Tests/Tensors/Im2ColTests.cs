using DeepPassport.Engine.Tensors;
using Xunit;

namespace DeepPassport.Engine.Tests.Tensors;

/// <summary>im2col and col2im on every path (same-width, halving, strided) against their definitions, element by element.</summary>
public class Im2ColTests
{
    [Theory]
    [InlineData(3, 8, 36, 3, 2, 1)]    // halving: rows of 18 phase pixels (two vectors of 8 and a scalar tail)
    [InlineData(3, 8, 8, 3, 2, 1)]     // halving to 4x4 phase planes (ResNet-18's last): one vector of 16 a row
    [InlineData(2, 16, 16, 3, 1, 1)]   // same-width, whole vectors
    [InlineData(2, 6, 4, 1, 2, 0)]     // 1x1 stride 2 (ResNet's shortcut): the strided gather, not the phase planes
    [InlineData(2, 10, 6, 5, 2, 2)]    // halving 5x5: shifts of two phase rows
    [InlineData(2, 4, 2, 5, 2, 2)]     // halving 5x5 on a 2-wide image: the shifted rows fall wholly outside
    [InlineData(2, 7, 9, 3, 1, 1)]     // same-width
    [InlineData(2, 3, 1, 5, 1, 2)]     // same-width 5x5 on a 1-wide image (every shifted column outside)
    [InlineData(2, 9, 9, 3, 2, 1)]     // strided, odd sides
    [InlineData(2, 7, 8, 3, 3, 0)]     // stride 3
    [InlineData(2, 6, 6, 3, 1, 0)]     // stride 1, no padding
    public void MatchesTheDefinition(int c, int h, int w, int k, int stride, int padding)
    {
        var g = new ConvGeometry(c, h, w, 4, k, k, stride, padding);
        var rng = new Rng(11);
        var x = new float[g.InSize];
        rng.FillNormal(x, 0f, 1f);
        // Two images in one matrix, this one second: rows are longer than one image's positions.
        int rowStride = 2 * g.OutPlane + 3, offset = g.OutPlane + 1;
        var col = new float[g.ColRows * rowStride];
        Array.Fill(col, float.NaN);
        Im2Col.Forward(x, col, g, rowStride, offset);
        var dcol = new float[col.Length];
        rng.FillNormal(dcol, 0f, 1f);
        var expectedDx = new float[g.InSize];
        for (int ci = 0; ci < c; ci++)
            for (int ki = 0; ki < k; ki++)
                for (int kj = 0; kj < k; kj++)
                    for (int oy = 0; oy < g.OutH; oy++)
                        for (int ox = 0; ox < g.OutW; ox++)
                        {
                            int row = (ci * k + ki) * k + kj, at = row * rowStride + offset + oy * g.OutW + ox;
                            int iy = oy * stride + ki - padding, ix = ox * stride + kj - padding;
                            bool inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                            Assert.Equal(inside ? x[(ci * h + iy) * w + ix] : 0f, col[at]);
                            if (inside) expectedDx[(ci * h + iy) * w + ix] += dcol[at];
                        }
        var dx = new float[g.InSize];
        Array.Fill(dx, 5f);   // col2im overwrites
        Im2Col.Backward(dcol, dx, g, rowStride, offset);
        for (int i = 0; i < dx.Length; i++) Assert.Equal(expectedDx[i], dx[i], 1e-5f);
    }
}
