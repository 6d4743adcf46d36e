using System.Numerics.Tensors;
using DeepPassport.Engine.Kernels;

namespace DeepPassport.Engine.Tensors;

/// <summary>Elementwise arithmetic with broadcasting; each forward sits beside its backward.</summary>
public sealed partial class Tensor
{
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    public static Tensor operator -(Tensor a) => a.Neg();
    public static Tensor operator +(Tensor a, float s) => a.AddScalar(s);
    public static Tensor operator +(float s, Tensor a) => a.AddScalar(s);
    public static Tensor operator -(Tensor a, float s) => a.AddScalar(-s);
    public static Tensor operator -(float s, Tensor a) => a.Neg().AddScalar(s);
    public static Tensor operator *(Tensor a, float s) => a.MulScalar(s);
    public static Tensor operator *(float s, Tensor a) => a.MulScalar(s);
    public static Tensor operator /(Tensor a, float s) => a.MulScalar(1f / s);

    /// <summary>a + b. d/da = 1, d/db = 1.</summary>
    public Tensor Add(Tensor b) => Binary(this, b, TensorPrimitives.Add, static (x, y) => x + y,
        (g, _, _) => g, (g, _, _) => g, static (g, _, _, d) => g.CopyTo(d), static (g, _, _, d) => g.CopyTo(d));

    /// <summary>a - b. d/da = 1, d/db = -1.</summary>
    public Tensor Sub(Tensor b) => Binary(this, b, TensorPrimitives.Subtract, static (x, y) => x - y,
        (g, _, _) => g, (g, _, _) => -g, static (g, _, _, d) => g.CopyTo(d), static (g, _, _, d) => TensorPrimitives.Negate(g, d));

    /// <summary>a * b. d/da = b, d/db = a.</summary>
    public Tensor Mul(Tensor b) => Binary(this, b, TensorPrimitives.Multiply, static (x, y) => x * y,
        (g, _, y) => g * y, (g, x, _) => g * x, static (g, _, y, d) => TensorPrimitives.Multiply(g, y, d), static (g, x, _, d) => TensorPrimitives.Multiply(g, x, d));

    /// <summary>a / b. d/da = 1/b, d/db = -a/b^2.</summary>
    public Tensor Div(Tensor b) => Binary(this, b, TensorPrimitives.Divide, static (x, y) => x / y,
        (g, _, y) => g / y, (g, x, y) => -g * x / (y * y));

    private delegate void SpanOp(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> dst);
    private delegate float GradRule(float g, float x, float y);
    private delegate void SpanGradRule(ReadOnlySpan<float> g, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d);

    /// <summary>
    /// A broadcasting binary operator. The fast path (equal shapes) runs on TensorPrimitives; the general one walks
    /// rows of the output. Gradients are computed per output element, then summed down to each input's shape;
    /// with equal shapes, by the span rules when given.
    /// </summary>
    private static Tensor Binary(Tensor a, Tensor b, SpanOp spanOp, Func<float, float, float> op,
        GradRule gradA, GradRule gradB, SpanGradRule? spanGradA = null, SpanGradRule? spanGradB = null)
    {
        bool same = a.Shape.AsSpan().SequenceEqual(b.Shape);
        int[] shape = same ? a.Shape : Broadcast.ResultShape(a.Shape, b.Shape);
        var outT = Tensor.Uninitialized(shape);   // both branches write every element
        int[] aStr = same ? [] : Broadcast.Strides(a.Shape, shape), bStr = same ? [] : Broadcast.Strides(b.Shape, shape);
        if (same) spanOp(a.Data, b.Data, outT.Data);
        else
        {
            float[] ad = a.Data, bd = b.Data, od = outT.Data;
            Broadcast.ForEachRow(shape, aStr, bStr, (o, ao, bo, n, sa, sb) =>
            {
                for (int i = 0; i < n; i++) od[o + i] = op(ad[ao + i * sa], bd[bo + i * sb]);
            });
        }
        return Record(outT, [a, b], g =>
        {
            // Expand a and b to the output shape, apply each rule elementwise, then reduce.
            bool needA = a.RequiresGrad, needB = b.RequiresGrad;
            if (same && spanGradA is not null && spanGradB is not null)
            {
                if (needA) { var d = TensorScope.Rent(a.Size, clear: false); spanGradA(g.Data, a.Data, b.Data, d); a.AccumulateGradOwned(d); }
                if (needB) { var d = TensorScope.Rent(b.Size, clear: false); spanGradB(g.Data, a.Data, b.Data, d); b.AccumulateGradOwned(d); }
                return;
            }
            float[] ga = needA ? TensorScope.Rent(outT.Size) : [], gb = needB ? TensorScope.Rent(outT.Size) : [], gd = g.Data, ad = a.Data, bd = b.Data;
            if (same)
                for (int i = 0; i < gd.Length; i++)
                {
                    if (needA) ga[i] = gradA(gd[i], ad[i], bd[i]);
                    if (needB) gb[i] = gradB(gd[i], ad[i], bd[i]);
                }
            else
                Broadcast.ForEachRow(shape, aStr, bStr, (o, ao, bo, n, sa, sb) =>
                {
                    for (int i = 0; i < n; i++)
                    {
                        float x = ad[ao + i * sa], y = bd[bo + i * sb];
                        if (needA) ga[o + i] = gradA(gd[o + i], x, y);
                        if (needB) gb[o + i] = gradB(gd[o + i], x, y);
                    }
                });
            if (needA) a.AccumulateGradOwned(Broadcast.ReduceTo(ga, shape, a.Shape));
            if (needB) b.AccumulateGradOwned(Broadcast.ReduceTo(gb, shape, b.Shape));
        });
    }

    public Tensor AddScalar(float s)
    {
        var o = Tensor.Uninitialized(Shape);
        TensorPrimitives.Add(Data, s, o.Data);
        return Record(o, this, g => AccumulateGrad(g.Data));
    }

    public Tensor MulScalar(float s)
    {
        var o = Tensor.Uninitialized(Shape);
        TensorPrimitives.Multiply(Data, s, o.Data);
        return Record(o, this, g =>
        {
            var d = TensorScope.Rent(Size, clear: false);
            TensorPrimitives.Multiply(g.Data, s, d);
            AccumulateGradOwned(d);
        });
    }

    public Tensor Neg() => MulScalar(-1f);

    /// <summary>
    /// A unary operator: forward on spans, backward as dL/dx = dL/dy * f'(x, y), where f' may use the input x
    /// or the output y, whichever is cheaper.
    /// </summary>
    internal Tensor Unary(Action<ReadOnlySpan<float>, Span<float>> forward, Func<float, float, float> derivative)
    {
        var o = Tensor.Uninitialized(Shape);
        forward(Data, o.Data);
        var x = Data;
        return Record(o, this, g =>
        {
            var d = TensorScope.Rent(Size, clear: false);
            var gd = g.Data; var y = o.Data;
            for (int i = 0; i < d.Length; i++) d[i] = gd[i] * derivative(x[i], y[i]);
            AccumulateGradOwned(d);
        });
    }

    /// <summary>
    /// A unary operator whose backward is a span kernel backward(x, y, g, dx) rather than a per-element delegate,
    /// for the hot activations.
    /// </summary>
    internal delegate void SpanBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx);

    internal Tensor UnarySpan(Action<ReadOnlySpan<float>, Span<float>> forward, SpanBackward backward)
    {
        var o = Tensor.Uninitialized(Shape);
        var x = Data;
        Parallelism.ForSlices(Size, ElementwiseSlice, (from, to) => forward(x.AsSpan(from, to - from), o.Data.AsSpan(from, to - from)));
        return Record(o, this, g =>
        {
            var d = TensorScope.Rent(Size, clear: false);
            Parallelism.ForSlices(Size, ElementwiseSlice, (from, to) =>
                backward(x.AsSpan(from, to - from), o.Data.AsSpan(from, to - from), g.Data.AsSpan(from, to - from), d.AsSpan(from, to - from)));
            AccumulateGradOwned(d);
        });
    }

    /// <summary>Elements a worker takes at least in an elementwise op: below about 32K the hand-off costs more than it saves.</summary>
    private const int ElementwiseSlice = 1 << 15;

    /// <summary>e^x; derivative e^x = y.</summary>
    public Tensor Exp() => UnarySpan(TensorPrimitives.Exp, static (_, y, g, dx) => TensorPrimitives.Multiply(g, y, dx));

    /// <summary>ln x; derivative 1/x.</summary>
    public Tensor Log() => UnarySpan(TensorPrimitives.Log, static (x, _, g, dx) => TensorPrimitives.Divide(g, x, dx));

    /// <summary>sqrt x; derivative 1/(2 sqrt x).</summary>
    public Tensor Sqrt() => Unary(TensorPrimitives.Sqrt, static (_, y) => 0.5f / y);

    /// <summary>x^p; derivative p x^(p-1).</summary>
    public Tensor Pow(float p) => Unary((x, y) => { for (int i = 0; i < x.Length; i++) y[i] = MathF.Pow(x[i], p); },
        (x, _) => p * MathF.Pow(x, p - 1));

    /// <summary>|x|; derivative sign(x) (0 at 0, as PyTorch).</summary>
    public Tensor Abs() => Unary(TensorPrimitives.Abs, static (x, _) => MathF.Sign(x));

    /// <summary>sign(x) in {-1, 0, 1}; derivative 0 everywhere.</summary>
    public Tensor Sign() => Unary((x, y) => { for (int i = 0; i < x.Length; i++) y[i] = MathF.Sign(x[i]); }, static (_, _) => 0f);

    /// <summary>min(max(x, lo), hi); derivative 1 inside [lo, hi], 0 outside.</summary>
    public Tensor Clamp(float lo, float hi) => Unary((x, y) => { for (int i = 0; i < x.Length; i++) y[i] = Math.Clamp(x[i], lo, hi); },
        (x, _) => x >= lo && x <= hi ? 1f : 0f);

    /// <summary>1 / (1 + e^-x); derivative y (1 - y).</summary>
    public Tensor Sigmoid() => Unary(TensorPrimitives.Sigmoid, static (_, y) => y * (1 - y));

    /// <summary>tanh x; derivative 1 - y^2.</summary>
    public Tensor Tanh() => Unary(TensorPrimitives.Tanh, static (_, y) => 1 - y * y);

    /// <summary>max(0, x); derivative 1 where x &gt; 0.</summary>
    public Tensor Relu() => UnarySpan(static (x, y) => TensorPrimitives.Max(x, 0f, y), static (x, _, g, dx) => VectorOps.ReluBackward(x, g, dx));

    /// <summary>
    /// max(0, this + b) in one pass, for tensors of the same shape (the end of a ResNet basic block, which as an addition
    /// and then a ReLU wrote the sum and read it back); the gradient g·[y &gt; 0] goes to both.
    /// </summary>
    public Tensor AddRelu(Tensor b)
    {
        CheckSameShape(this, b);
        var a = this;
        var y = Tensor.Uninitialized(Shape);
        Parallelism.ForSlices(Size, ElementwiseSlice, (from, to) =>
            VectorOps.AddRelu(a.Data.AsSpan(from, to - from), b.Data.AsSpan(from, to - from), y.Data.AsSpan(from, to - from)));
        return Record(y, [a, b], g =>
        {
            float[]? da = a.RequiresGrad ? TensorScope.Rent(Size, clear: false) : null, db = b.RequiresGrad ? TensorScope.Rent(Size, clear: false) : null;
            Parallelism.ForSlices(Size, ElementwiseSlice, (from, to) =>
            {
                var d = (da ?? db)!.AsSpan(from, to - from);
                VectorOps.ReluBackward(y.Data.AsSpan(from, to - from), g.Data.AsSpan(from, to - from), d);   // y > 0 exactly where a + b > 0
                if (da is not null && db is not null) d.CopyTo(db.AsSpan(from, to - from));
            });
            if (da is not null) a.AccumulateGradOwned(da);
            if (db is not null) b.AccumulateGradOwned(db);
        });
    }

    /// <summary>x for x &gt; 0, slope * x otherwise.</summary>
    public Tensor LeakyRelu(float slope = 0.01f) => UnarySpan((x, y) => VectorOps.LeakyRelu(x, slope, y),
        (x, _, g, dx) => VectorOps.LeakyReluBackward(x, g, slope, dx));
}
