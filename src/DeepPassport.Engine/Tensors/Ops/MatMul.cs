using DeepPassport.Engine.Kernels;

namespace DeepPassport.Engine.Tensors;

/// <summary>Functional operators in the spirit of torch.nn.functional.</summary>
public static partial class F
{
    /// <summary>[M, K] x [K, N] = [M, N]. dA = dC B^T, dB = A^T dC.</summary>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        if (a.Rank != 2 || b.Rank != 2 || a.Shape[1] != b.Shape[0])
            throw new ArgumentException($"MatMul: shapes {a.ShapeString} and {b.ShapeString} do not multiply.");
        int m = a.Shape[0], k = a.Shape[1], n = b.Shape[1];
        var c = new Tensor(m, n);
        Gemm.Multiply(false, false, m, n, k, a.Data, b.Data, c.Data, accumulate: false, parallel: true);
        return Tensor.Record(c, [a, b], g =>
        {
            if (a.RequiresGrad) { var d = TensorScope.Rent(a.Size); Gemm.Multiply(false, true, m, k, n, g.Data, b.Data, d, false, true); a.AccumulateGradOwned(d); }
            if (b.RequiresGrad) { var d = TensorScope.Rent(b.Size); Gemm.Multiply(true, false, k, n, m, a.Data, g.Data, d, false, true); b.AccumulateGradOwned(d); }
        });
    }

    /// <summary>
    /// y = x W^T + b with x [N, in], W [out, in] (PyTorch's layout), b [out] or null.
    /// dx = dy W, dW = dy^T x, db = column sums of dy.
    /// </summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias)
    {
        if (x.Rank != 2 || weight.Rank != 2 || x.Shape[1] != weight.Shape[1])
            throw new ArgumentException($"Linear: input {x.ShapeString} does not fit weight {weight.ShapeString}.");
        int n = x.Shape[0], inF = x.Shape[1], outF = weight.Shape[0];
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != outF))
            throw new ArgumentException($"Linear: bias {bias.ShapeString} does not fit {outF} outputs.");
        var y = new Tensor(n, outF);
        Gemm.Multiply(false, true, n, outF, inF, x.Data, weight.Data, y.Data, accumulate: false, parallel: true);
        if (bias is not null)
            for (int i = 0; i < n; i++) System.Numerics.Tensors.TensorPrimitives.Add(y.Data.AsSpan(i * outF, outF), bias.Data, y.Data.AsSpan(i * outF, outF));
        Tensor[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        return Tensor.Record(y, inputs, g =>
        {
            if (x.RequiresGrad) { var d = TensorScope.Rent(x.Size); Gemm.Multiply(false, false, n, inF, outF, g.Data, weight.Data, d, false, true); x.AccumulateGradOwned(d); }
            if (weight.RequiresGrad) { var d = TensorScope.Rent(weight.Size); Gemm.Multiply(true, false, outF, inF, n, g.Data, x.Data, d, false, true); weight.AccumulateGradOwned(d); }
            if (bias is not null && bias.RequiresGrad)
            {
                var d = new float[outF];
                for (int i = 0; i < n; i++) System.Numerics.Tensors.TensorPrimitives.Add(d, g.Data.AsSpan(i * outF, outF), d);
                bias.AccumulateGradOwned(d);
            }
        });
    }
}
