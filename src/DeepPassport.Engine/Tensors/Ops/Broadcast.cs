namespace DeepPassport.Engine.Tensors;

/// <summary>
/// NumPy broadcasting for binary operators: shapes are aligned on the right, and a dimension of 1 (or a missing
/// one) stretches to the other's extent. Gradients flowing back into a stretched input are summed over the
/// stretched dimensions.
/// </summary>
internal static class Broadcast
{
    public static int[] ResultShape(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"Shapes [{string.Join(", ", a)}] and [{string.Join(", ", b)}] cannot be broadcast together.");
            shape[i] = da == 1 ? db : da;
        }
        return shape;
    }

    /// <summary>Strides of <paramref name="shape"/> seen from a tensor of rank <paramref name="rank"/>: 0 where it broadcasts.</summary>
    public static int[] Strides(int[] shape, int[] outShape)
    {
        int rank = outShape.Length;
        var strides = new int[rank];
        int stride = 1;
        for (int i = rank - 1; i >= 0; i--)
        {
            int j = i - (rank - shape.Length);
            int d = j >= 0 ? shape[j] : 1;
            strides[i] = d == 1 ? 0 : stride;
            stride *= d;
        }
        return strides;
    }

    /// <summary>
    /// Calls body(outOffset, aOffset, bOffset, count, aStep, bStep) for each run along the last dimension of the
    /// output, where aStep/bStep are 0 (broadcast) or 1.
    /// </summary>
    public static void ForEachRow(int[] outShape, int[] aStrides, int[] bStrides, RowAction body)
    {
        int rank = outShape.Length;
        if (rank == 0) { body(0, 0, 0, 1, 0, 0); return; }
        int inner = outShape[rank - 1];
        int rows = inner == 0 ? 0 : (int)(Tensor.ShapeSize(outShape) / inner);
        var idx = new int[rank];
        int aOff = 0, bOff = 0;
        for (int r = 0; r < rows; r++)
        {
            body(r * inner, aOff, bOff, inner, aStrides[rank - 1], bStrides[rank - 1]);
            for (int d = rank - 2; d >= 0; d--)
            {
                idx[d]++; aOff += aStrides[d]; bOff += bStrides[d];
                if (idx[d] < outShape[d]) break;
                aOff -= aStrides[d] * idx[d]; bOff -= bStrides[d] * idx[d]; idx[d] = 0;
            }
        }
    }

    public delegate void RowAction(int outOffset, int aOffset, int bOffset, int count, int aStep, int bStep);

    /// <summary>Sums a gradient of the output shape down to <paramref name="shape"/> (the broadcast input's shape).</summary>
    public static float[] ReduceTo(float[] grad, int[] outShape, int[] shape)
    {
        if (outShape.AsSpan().SequenceEqual(shape)) return grad;
        var result = TensorScope.Rent((int)Tensor.ShapeSize(shape));
        var strides = Strides(shape, outShape);
        var zero = new int[outShape.Length];
        ForEachRow(outShape, strides, zero, (o, a, _, n, step, _) =>
        {
            if (step == 0) { float s = 0; for (int i = 0; i < n; i++) s += grad[o + i]; result[a] += s; }
            else for (int i = 0; i < n; i++) result[a + i] += grad[o + i];
        });
        return result;
    }
}
