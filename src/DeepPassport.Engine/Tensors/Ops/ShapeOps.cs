namespace DeepPassport.Engine.Tensors;

/// <summary>Reshaping, slicing a batch, concatenation and transposition.</summary>
public sealed partial class Tensor
{
    /// <summary>Same storage, new shape (one dimension may be -1 and is inferred).</summary>
    public Tensor Reshape(params int[] shape)
    {
        shape = (int[])shape.Clone();
        int infer = Array.IndexOf(shape, -1);
        if (infer >= 0)
        {
            long known = 1;
            for (int i = 0; i < shape.Length; i++) if (i != infer) known *= shape[i];
            if (known == 0 || Size % known != 0) throw new ArgumentException($"Cannot reshape {ShapeString} to [{string.Join(", ", shape)}].");
            shape[infer] = (int)(Size / known);
        }
        if (ShapeSize(shape) != Size) throw new ArgumentException($"Cannot reshape {ShapeString} ({Size} elements) to [{string.Join(", ", shape)}].");
        var o = new Tensor(Data, shape);
        return Record(o, this, g => AccumulateGrad(g.Data));
    }

    /// <summary>Keeps dimensions before <paramref name="startDim"/> and flattens the rest: [N, C, H, W] to [N, C*H*W].</summary>
    public Tensor Flatten(int startDim = 1)
    {
        var shape = Shape.Take(startDim).Append((int)(Size / Math.Max(1, ShapeSize(Shape.AsSpan(0, startDim))))).ToArray();
        return Reshape(shape);
    }

    /// <summary>Rows [start, start+count) of the first dimension, copied.</summary>
    public Tensor Slice(int start, int count)
    {
        if (Rank == 0 || start < 0 || count < 0 || start + count > Shape[0])
            throw new ArgumentOutOfRangeException(nameof(start), $"Slice [{start}, {start + count}) out of range for shape {ShapeString}.");
        int row = Shape[0] == 0 ? 0 : Size / Shape[0];
        var shape = (int[])Shape.Clone(); shape[0] = count;
        var o = new Tensor(shape);
        Data.AsSpan(start * row, count * row).CopyTo(o.Data);
        return Record(o, this, g =>
        {
            var d = TensorScope.Rent(Size);
            g.Data.CopyTo(d.AsSpan(start * row, count * row));
            AccumulateGradOwned(d);
        });
    }

    /// <summary>Elements [start, start+count) along <paramref name="axis"/> (e.g. channels 0-11 of [N, 24, H, W]), copied.</summary>
    public Tensor Narrow(int axis, int start, int count)
    {
        if (axis < 0) axis += Rank;
        if ((uint)axis >= (uint)Rank || start < 0 || count < 0 || start + count > Shape[axis])
            throw new ArgumentOutOfRangeException(nameof(start), $"Narrow [{start}, {start + count}) on axis {axis} out of range for shape {ShapeString}.");
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= Shape[i];
        for (int i = axis + 1; i < Rank; i++) inner *= Shape[i];
        int srcRow = Shape[axis] * inner, dstRow = count * inner;
        var shape = (int[])Shape.Clone(); shape[axis] = count;
        var o = new Tensor(shape);
        for (int a = 0; a < outer; a++) Data.AsSpan(a * srcRow + start * inner, dstRow).CopyTo(o.Data.AsSpan(a * dstRow, dstRow));
        return Record(o, this, g =>
        {
            var d = TensorScope.Rent(Size);
            for (int a = 0; a < outer; a++) g.Data.AsSpan(a * dstRow, dstRow).CopyTo(d.AsSpan(a * srcRow + start * inner, dstRow));
            AccumulateGradOwned(d);
        });
    }

    /// <summary>Concatenation along <paramref name="axis"/> (1 = channels for NCHW); other dimensions must agree.</summary>
    public static Tensor Cat(IReadOnlyList<Tensor> parts, int axis = 1)
    {
        // A copy: the backward closure must see the parts of this call even if the caller's list grows afterwards.
        parts = parts.ToArray();
        if (parts.Count == 0) throw new ArgumentException("Cat of no tensors.");
        var first = parts[0];
        if (axis < 0) axis += first.Rank;
        int outer = 1, inner = 1, total = 0;
        for (int i = 0; i < axis; i++) outer *= first.Shape[i];
        for (int i = axis + 1; i < first.Rank; i++) inner *= first.Shape[i];
        foreach (var p in parts)
        {
            if (p.Rank != first.Rank || Enumerable.Range(0, p.Rank).Any(i => i != axis && p.Shape[i] != first.Shape[i]))
                throw new ArgumentException($"Cat: shape {p.ShapeString} does not match {first.ShapeString} outside axis {axis}.");
            total += p.Shape[axis];
        }
        var shape = (int[])first.Shape.Clone(); shape[axis] = total;
        var o = Tensor.Uninitialized(shape);   // every entry is one part's
        int offset = 0;
        foreach (var p in parts)
        {
            int w = p.Shape[axis] * inner;
            for (int a = 0; a < outer; a++) p.Data.AsSpan(a * w, w).CopyTo(o.Data.AsSpan(a * total * inner + offset, w));
            offset += w;
        }
        return Record(o, (Tensor[])parts, g =>
        {
            int off = 0;
            foreach (var p in parts)
            {
                int w = p.Shape[axis] * inner;
                if (p.RequiresGrad)
                {
                    var d = TensorScope.Rent(p.Size, clear: false);   // every entry copied from g
                    for (int a = 0; a < outer; a++) g.Data.AsSpan(a * total * inner + off, w).CopyTo(d.AsSpan(a * w, w));
                    p.AccumulateGradOwned(d);
                }
                off += w;
            }
        });
    }

    /// <summary>The transpose of a matrix.</summary>
    public Tensor T()
    {
        if (Rank != 2) throw new InvalidOperationException($"T() needs a matrix, got {ShapeString}.");
        int r = Shape[0], c = Shape[1];
        var o = new Tensor(c, r);
        Transpose(Data, o.Data, r, c);
        return Record(o, this, g => { var d = TensorScope.Rent(Size); Transpose(g.Data, d, c, r); AccumulateGradOwned(d); });
    }

    internal static void Transpose(ReadOnlySpan<float> src, Span<float> dst, int rows, int cols)
    {
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) dst[j * rows + i] = src[i * cols + j];
    }
}
