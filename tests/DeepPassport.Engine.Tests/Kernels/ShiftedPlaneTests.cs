using DeepPassport.Engine.Kernels;
using DeepPassport.Engine.Tensors;
using Xunit;

namespace DeepPassport.Engine.Tests.Kernels;

/// <summary>The masked shifted-plane copy and its adjoint at every lane width, against their definition.</summary>
public unsafe class ShiftedPlaneTests
{
    [Theory]
    [InlineData(4, 4, 4, 1)]     // ResNet-18's last halving layer: one 16-lane vector a plane
    [InlineData(8, 8, 8, 1)]
    [InlineData(7, 9, 7, 2)]     // 63 positions: vectors and a tail
    [InlineData(3, 1, 3, 2)]     // a 1-wide plane: every column move reads outside
    [InlineData(5, 6, 4, 1)]     // cut to fewer rows than the plane has
    public void CopyAndAddMatchTheDefinition(int h, int w, int outH, int reach)
    {
        var masks = ShiftedPlane.Masks.Get(h, w, outH, reach);
        // The plane fills its array exactly: a move off its first or last row must not read or write past it.
        var plane = new float[h * w];
        new Rng(5).FillNormal(plane, 0f, 1f);
        foreach (int lanes in Lanes.Accelerated)
            for (int dy = -reach; dy <= reach; dy++)
                for (int s = -reach; s <= reach; s++)
                {
                    var output = new float[outH * w];
                    Array.Fill(output, float.NaN);
                    var row = new float[outH * w];
                    new Rng((ulong)(dy * 7 + s + 50)).FillNormal(row, 0f, 1f);
                    var added = (float[])plane.Clone();
                    fixed (float* pp = plane, po = output, pr = row, pa = added)
                    {
                        ShiftedPlane.Copy(pp, po, masks.Of(dy, s), lanes);
                        ShiftedPlane.Add(pr, pa, masks.Of(dy, s), lanes);
                    }
                    var expectedAdded = (float[])plane.Clone();
                    for (int oy = 0; oy < outH; oy++)
                        for (int ox = 0; ox < w; ox++)
                        {
                            int iy = oy + dy, ix = ox + s;
                            bool inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                            Assert.True((inside ? plane[iy * w + ix] : 0f) == output[oy * w + ox], $"lanes {lanes}, move ({dy}, {s}), at ({oy}, {ox})");
                            if (inside) expectedAdded[iy * w + ix] += row[oy * w + ox];
                        }
                    Assert.Equal(expectedAdded, added);
                }
    }

    [Fact]
    public void AMoveBeyondTheMasksIsRefused()
    {
        var masks = ShiftedPlane.Masks.Get(4, 4, 4, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => masks.Of(2, 0));
    }
}
