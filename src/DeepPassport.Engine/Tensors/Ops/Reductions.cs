using System.Numerics.Tensors;

namespace DeepPassport.Engine.Tensors;

/// <summary>Sums, means and maxima over all elements or along one axis.</summary>
public sealed partial class Tensor
{
    /// <summary>Sum of all elements, a one-element tensor; the gradient is dL/dy broadcast to every element.</summary>
    public Tensor Sum()
    {
        var o = Scalar(TensorPrimitives.Sum(Data));
        return Record(o, this, g => { var d = TensorScope.Rent(Size); d.AsSpan().Fill(g.Data[0]); AccumulateGradOwned(d); });
    }

    public Tensor Mean() => Sum().MulScalar(1f / Size);

    /// <summary>Splits the shape around <paramref name="axis"/> into (outer, extent, inner) for axis reductions.</summary>
    private (int outer, int n, int inner, int[] reduced) AxisSplit(int axis, bool keepDim)
    {
        if (axis < 0) axis += Rank;
        if (axis < 0 || axis >= Rank) throw new ArgumentOutOfRangeException(nameof(axis), $"Axis {axis} out of range for shape {ShapeString}.");
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= Shape[i];
        for (int i = axis + 1; i < Rank; i++) inner *= Shape[i];
        var reduced = keepDim ? Shape.Select((d, i) => i == axis ? 1 : d).ToArray() : Shape.Where((_, i) => i != axis).ToArray();
        return (outer, Shape[axis], inner, reduced);
    }

    /// <summary>Sum along one axis.</summary>
    public Tensor Sum(int axis, bool keepDim = false)
    {
        var (outer, n, inner, shape) = AxisSplit(axis, keepDim);
        var o = new Tensor(shape);
        for (int a = 0; a < outer; a++)
            for (int j = 0; j < n; j++)
                TensorPrimitives.Add(o.Data.AsSpan(a * inner, inner), Data.AsSpan((a * n + j) * inner, inner), o.Data.AsSpan(a * inner, inner));
        return Record(o, this, g =>
        {
            var d = TensorScope.Rent(Size);
            for (int a = 0; a < outer; a++)
                for (int j = 0; j < n; j++) g.Data.AsSpan(a * inner, inner).CopyTo(d.AsSpan((a * n + j) * inner, inner));
            AccumulateGradOwned(d);
        });
    }

    public Tensor Mean(int axis, bool keepDim = false) => Sum(axis, keepDim).MulScalar(1f / Shape[axis < 0 ? axis + Rank : axis]);

    /// <summary>Maximum of all elements; the gradient goes to the first maximal element.</summary>
    public Tensor Max()
    {
        if (Size == 0) throw new InvalidOperationException("Max() of an empty tensor.");
        int arg = TensorPrimitives.IndexOfMax(Data);
        var o = Scalar(Data[arg]);
        return Record(o, this, g => { var d = TensorScope.Rent(Size); d[arg] = g.Data[0]; AccumulateGradOwned(d); });
    }

    /// <summary>Maximum along one axis; the gradient goes to the first maximal element of each slice.</summary>
    public Tensor Max(int axis, bool keepDim = false)
    {
        var (outer, n, inner, shape) = AxisSplit(axis, keepDim);
        if (n == 0) throw new InvalidOperationException($"Max along an empty axis of shape {ShapeString}.");
        var o = new Tensor(shape);
        var arg = new int[o.Size];
        for (int a = 0; a < outer; a++)
            for (int i = 0; i < inner; i++)
            {
                int best = 0; float bv = Data[a * n * inner + i];
                for (int j = 1; j < n; j++)
                {
                    float v = Data[(a * n + j) * inner + i];
                    if (v > bv || float.IsNaN(v)) { bv = v; best = j; if (float.IsNaN(v)) break; }
                }
                o.Data[a * inner + i] = bv;
                arg[a * inner + i] = (a * n + best) * inner + i;
            }
        return Record(o, this, g =>
        {
            var d = TensorScope.Rent(Size);
            for (int k = 0; k < arg.Length; k++) d[arg[k]] += g.Data[k];
            AccumulateGradOwned(d);
        });
    }

    /// <summary>Index of the largest value in each row of a [N, C] tensor (no gradient).</summary>
    public int[] ArgMaxRows()
    {
        if (Rank != 2) throw new InvalidOperationException($"ArgMaxRows needs [N, C], got {ShapeString}.");
        int n = Shape[0], c = Shape[1];
        var r = new int[n];
        for (int i = 0; i < n; i++) r[i] = TensorPrimitives.IndexOfMax(Data.AsSpan(i * c, c));
        return r;
    }
}
