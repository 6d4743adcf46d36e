using System.Numerics.Tensors;

namespace DeepPassport.Engine.Tensors;

public static partial class F
{
    private static (int outer, int n, int inner) SplitAxis(Tensor x, ref int axis)
    {
        if (axis < 0) axis += x.Rank;
        if (axis < 0 || axis >= x.Rank) throw new ArgumentOutOfRangeException(nameof(axis), $"Axis out of range for shape {x.ShapeString}.");
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= x.Shape[i];
        for (int i = axis + 1; i < x.Rank; i++) inner *= x.Shape[i];
        return (outer, x.Shape[axis], inner);
    }

    /// <summary>log softmax along an axis: y = x - max - log sum exp(x - max). dx = g - softmax * sum(g).</summary>
    public static Tensor LogSoftmax(Tensor x, int axis = -1)
    {
        var (outer, n, inner) = SplitAxis(x, ref axis);
        var y = new Tensor(x.Shape);
        for (int a = 0; a < outer; a++)
            for (int i = 0; i < inner; i++)
            {
                int b = a * n * inner + i;
                float max = float.NegativeInfinity;
                for (int j = 0; j < n; j++) max = MathF.Max(max, x.Data[b + j * inner]);
                double s = 0;
                for (int j = 0; j < n; j++) s += Math.Exp(x.Data[b + j * inner] - max);
                float lse = max + (float)Math.Log(s);
                for (int j = 0; j < n; j++) y.Data[b + j * inner] = x.Data[b + j * inner] - lse;
            }
        return Tensor.Record(y, x, g =>
        {
            var d = TensorScope.Rent(x.Size);
            for (int a = 0; a < outer; a++)
                for (int i = 0; i < inner; i++)
                {
                    int b = a * n * inner + i;
                    float gs = 0;
                    for (int j = 0; j < n; j++) gs += g.Data[b + j * inner];
                    for (int j = 0; j < n; j++) d[b + j * inner] = g.Data[b + j * inner] - MathF.Exp(y.Data[b + j * inner]) * gs;
                }
            x.AccumulateGradOwned(d);
        });
    }

    /// <summary>softmax = exp(log softmax).</summary>
    public static Tensor Softmax(Tensor x, int axis = -1) => LogSoftmax(x, axis).Exp();

    /// <summary>
    /// Mean cross-entropy of logits [N, C] against labels: L = -(1/N) sum log softmax(x)[i, y_i].
    /// dL/dx = (softmax(x) - onehot(y)) / N, fused for speed and accuracy.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, int[] labels)
    {
        if (logits.Rank != 2) throw new ArgumentException($"CrossEntropy: logits must be [N, C], got {logits.ShapeString}.");
        int n = logits.Shape[0], c = logits.Shape[1];
        if (labels.Length != n) throw new ArgumentException($"CrossEntropy: {labels.Length} labels for {n} rows of logits.");
        var prob = TensorScope.Rent(logits.Size);
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            if ((uint)labels[i] >= (uint)c) throw new ArgumentException($"CrossEntropy: label {labels[i]} of row {i} is outside [0, {c}).");
            var row = logits.Data.AsSpan(i * c, c); var p = prob.AsSpan(i * c, c);
            // softmax(x) = exp(x - max) / sum exp(x - max). TensorPrimitives.SoftMax does not shift by the max, so a
            // logit above ~88 overflowed exp to infinity and made this row's gradient NaN while the loss stayed finite.
            float max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, p);
            TensorPrimitives.Exp(p, p);
            float s = TensorPrimitives.Sum(p);
            TensorPrimitives.Divide(p, s, p);
            loss -= row[labels[i]] - max - Math.Log(s);
        }
        var y = Tensor.Scalar((float)(loss / n));
        return Tensor.Record(y, logits, g =>
        {
            float k = g.Data[0] / n;
            var d = TensorScope.Rent(logits.Size);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < c; j++) d[i * c + j] = prob[i * c + j] * k;
                d[i * c + labels[i]] -= k;
            }
            logits.AccumulateGradOwned(d);
        });
    }

    /// <summary>Mean squared error, mean over all elements.</summary>
    public static Tensor MseLoss(Tensor x, Tensor target)
    {
        Tensor.CheckSameShape(x, target);
        var diff = x - target;
        return (diff * diff).Mean();
    }

    /// <summary>Mean absolute error, mean over all elements.</summary>
    public static Tensor L1Loss(Tensor x, Tensor target)
    {
        Tensor.CheckSameShape(x, target);
        return (x - target).Abs().Mean();
    }

    /// <summary>Elementwise max(0, margin - x), the hinge of the sign loss.</summary>
    public static Tensor Hinge(Tensor x, float margin) => x.Neg().AddScalar(margin).Relu();
}
