using System.Numerics.Tensors;
using DeepPassport.Engine.Kernels;

namespace DeepPassport.Engine.Tensors;

public static partial class F
{
    /// <summary>
    /// Batch norm of NCHW x per channel over (N, H, W): xhat = (x - mu) / sqrt(var + eps), y = weight * xhat + bias.
    /// Training uses the batch statistics (biased variance) and updates the running ones with
    /// r = (1 - momentum) r + momentum * stat (unbiased variance, as PyTorch); evaluation uses the running ones.
    /// </summary>
    public static Tensor BatchNorm2d(Tensor x, Tensor? weight, Tensor? bias, Tensor? runningMean, Tensor? runningVar,
        bool training, float momentum = 0.1f, float eps = 1e-5f)
        => BatchNorm2d(x, weight, bias, runningMean, runningVar, training, momentum, eps, relu: false);

    /// <summary>
    /// ReLU(<see cref="BatchNorm2d(Tensor, Tensor?, Tensor?, Tensor?, Tensor?, bool, float, float)"/>) in one pass: the
    /// normalised values are never stored (one activation fewer kept for backward), and the backward pass gates the
    /// gradient inside batch norm's own two passes (<see cref="ReluGate"/>) instead of a ReLU pass of its own.
    /// </summary>
    public static Tensor BatchNormRelu2d(Tensor x, Tensor? weight, Tensor? bias, Tensor? runningMean, Tensor? runningVar,
        bool training, float momentum = 0.1f, float eps = 1e-5f)
        => BatchNorm2d(x, weight, bias, runningMean, runningVar, training, momentum, eps, relu: true);

    private static Tensor BatchNorm2d(Tensor x, Tensor? weight, Tensor? bias, Tensor? runningMean, Tensor? runningVar,
        bool training, float momentum, float eps, bool relu)
    {
        if (x.Rank != 4) throw new ArgumentException($"BatchNorm2d: input must be [N, C, H, W], got {x.ShapeString}.");
        int n = x.Shape[0], c = x.Shape[1], hw = x.Shape[2] * x.Shape[3];
        if (!training && (runningMean is null || runningVar is null))
            throw new ArgumentException("BatchNorm2d: evaluation mode needs running statistics.");
        var mean = new float[c]; var invStd = new float[c];
        if (training)
        {
            int count = n * hw;
            if (count < 2) throw new ArgumentException($"BatchNorm2d: training needs more than one value per channel, got input {x.ShapeString}.");
            // Per plane: its mean m_p and spread M2_p about it; combined M2 = sum M2_p + hw sum (m_p - mu)^2.
            Parallelism.For(0, c, ch =>
            {
                double s = 0, ss = 0;
                Span<float> planeMean = n <= 256 ? stackalloc float[n] : new float[n];
                for (int i = 0; i < n; i++)
                {
                    var span = x.Data.AsSpan((i * c + ch) * hw, hw);
                    float sum = TensorPrimitives.Sum(span);
                    planeMean[i] = sum / hw;
                    ss += VectorOps.CenteredSquares(span, planeMean[i]);
                    s += sum;
                }
                double mu = s / count;
                foreach (float m in planeMean) ss += hw * (m - mu) * (m - mu);
                double var = ss / count;
                mean[ch] = (float)mu; invStd[ch] = (float)(1.0 / Math.Sqrt(var + eps));
                if (runningMean is not null && runningVar is not null)
                {
                    runningMean.Data[ch] = (1 - momentum) * runningMean.Data[ch] + momentum * (float)mu;
                    runningVar.Data[ch] = (1 - momentum) * runningVar.Data[ch] + momentum * (float)(ss / (count - 1));
                }
            });
        }
        else
            for (int ch = 0; ch < c; ch++) { mean[ch] = runningMean!.Data[ch]; invStd[ch] = 1f / MathF.Sqrt(runningVar!.Data[ch] + eps); }
        return NormalizeGroups(x, n, c, 1, hw, mean, invStd, weight, bias, batchStats: training, perSample: false, relu);
    }

    /// <summary>Group norm: per sample, statistics over each group of C/groups channels and all positions.</summary>
    public static Tensor GroupNorm(Tensor x, int groups, Tensor? weight, Tensor? bias, float eps = 1e-5f)
    {
        if (x.Rank < 2) throw new ArgumentException($"GroupNorm: input must be [N, C, ...], got {x.ShapeString}.");
        int n = x.Shape[0], c = x.Shape[1];
        if (groups < 1 || c % groups != 0) throw new ArgumentException($"GroupNorm: {c} channels do not split into {groups} groups.");
        int hw = x.Size / Math.Max(1, n * c), cpg = c / groups, size = cpg * hw;
        var mean = new float[n * groups]; var invStd = new float[n * groups];
        Parallelism.For(0, n * groups, k =>
        {
            var span = x.Data.AsSpan(k * size, size);
            float mu = TensorPrimitives.Sum(span) / size;
            double ss = VectorOps.CenteredSquares(span, mu);
            mean[k] = mu; invStd[k] = (float)(1.0 / Math.Sqrt(ss / size + eps));
        });
        return NormalizeGroups(x, n, c, cpg, hw, mean, invStd, weight, bias, batchStats: true, perSample: true, relu: false);
    }

    /// <summary>Instance norm: group norm with one channel a group (no running statistics).</summary>
    public static Tensor InstanceNorm2d(Tensor x, Tensor? weight, Tensor? bias, float eps = 1e-5f)
        => GroupNorm(x, x.Rank >= 2 ? x.Shape[1] : 1, weight, bias, eps);

    /// <summary>
    /// y = weight[ch] * (x - mean[s]) * invStd[s] + bias[ch], where the statistic slot s is the channel (batch norm)
    /// or (sample, group) (group norm), computed as one pass y = a x + b per plane. When the statistics came from
    /// the same x (<paramref name="batchStats"/>) the backward pass differentiates through them:
    /// dx = invStd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) with dxhat = weight * g, means over the slot.
    /// With xhat = (x - mean) invStd that is one pass dx = (invStd w) g + (-invStd^2 B) x + invStd (invStd B mean - A),
    /// A = mean(dxhat), B = mean(dxhat * xhat), after a first pass that sums g and g (x - mean) per plane.
    /// With <paramref name="relu"/> the output is max(y, 0) and g reaches y only where y &gt; 0.
    /// </summary>
    private static Tensor NormalizeGroups(Tensor x, int n, int c, int cpg, int hw, float[] mean, float[] invStd,
        Tensor? weight, Tensor? bias, bool batchStats, bool perSample, bool relu)
    {
        if (weight is not null && weight.Size != c) throw new ArgumentException($"Norm: weight {weight.ShapeString} does not fit {c} channels.");
        if (bias is not null && bias.Size != c) throw new ArgumentException($"Norm: bias {bias.ShapeString} does not fit {c} channels.");
        int groups = c / cpg, planes = n * c;
        int Slot(int p) => perSample ? p / c * groups + p % c / cpg : p % c;
        float W(int ch) => weight?.Data[ch] ?? 1f;
        // Plane p's map y = a x + b.
        (float A, float B) Map(int p)
        {
            int ch = p % c, s = Slot(p);
            float a = W(ch) * invStd[s];
            return (a, (bias?.Data[ch] ?? 0f) - mean[s] * a);
        }
        // With a ReLU (batch norm only, so one map a channel) the backward pass gates g by a x + b > 0 (ReluGate).
        if (relu && perSample) throw new ArgumentException("Norm: a fused ReLU needs one statistic a channel.");
        var gates = relu ? Enumerable.Range(0, c).Select(ch => { var (a, b) = Map(ch); return ReluGate.After(a, b); }).ToArray() : null;
        var y = Tensor.Uninitialized(x.Shape);
        Parallelism.For(0, planes, p =>
        {
            var (a, b) = Map(p);
            if (gates is null) VectorOps.Affine(x.Data.AsSpan(p * hw, hw), a, b, y.Data.AsSpan(p * hw, hw));
            else VectorOps.AffineRelu(x.Data.AsSpan(p * hw, hw), a, b, y.Data.AsSpan(p * hw, hw));
        });
        ReluGate Gate(int p) => gates?[p % c] ?? default;
        Tensor[] inputs = [x, .. weight is null ? Array.Empty<Tensor>() : [weight], .. bias is null ? Array.Empty<Tensor>() : [bias]];
        return Tensor.Record(y, inputs, g =>
        {
            var gd = g.Data;
            // Per plane: sum g and sum g (x - mean); sum g xhat = invStd * the second.
            var sumG = new float[planes]; var sumGX = new float[planes];
            Parallelism.For(0, planes, p =>
                (sumG[p], sumGX[p]) = VectorOps.CenteredDot(gd.AsSpan(p * hw, hw), x.Data.AsSpan(p * hw, hw), mean[Slot(p)], Gate(p)));
            if (weight is { RequiresGrad: true } || bias is { RequiresGrad: true })
            {
                var dw = new double[c]; var db = new double[c];
                for (int p = 0; p < planes; p++) { dw[p % c] += (double)invStd[Slot(p)] * sumGX[p]; db[p % c] += sumG[p]; }
                weight?.AccumulateGrad(Array.ConvertAll(dw, v => (float)v));
                bias?.AccumulateGrad(Array.ConvertAll(db, v => (float)v));
            }
            if (!x.RequiresGrad) return;
            int slots = mean.Length;
            var m1 = new double[slots]; var m2 = new double[slots]; var count = new int[slots];
            if (batchStats)
                for (int p = 0; p < planes; p++)
                {
                    int s = Slot(p);
                    m1[s] += (double)W(p % c) * sumG[p];
                    m2[s] += (double)W(p % c) * invStd[s] * sumGX[p];
                    count[s] += hw;
                }
            var dx = TensorScope.Rent(x.Size, clear: false);   // Combine writes every element
            Parallelism.For(0, planes, p =>
            {
                int s = Slot(p);
                float k = invStd[s], a = k * W(p % c), b = 0, cc = 0;
                if (batchStats)
                {
                    float mA = (float)(m1[s] / count[s]), mB = (float)(m2[s] / count[s]);
                    b = -k * k * mB;
                    cc = k * (k * mB * mean[s] - mA);
                }
                VectorOps.Combine(gd.AsSpan(p * hw, hw), x.Data.AsSpan(p * hw, hw), a, b, cc, dx.AsSpan(p * hw, hw), Gate(p));
            });
            x.AccumulateGradOwned(dx);
        });
    }

    /// <summary>y = scale[c] * x + bias[c] for x [N, C, ...] and scale, bias [C] (either may be null).</summary>
    public static Tensor ChannelAffine(Tensor x, Tensor? scale, Tensor? bias)
    {
        if (x.Rank < 2) throw new ArgumentException($"ChannelAffine: input must be [N, C, ...], got {x.ShapeString}.");
        int n = x.Shape[0], c = x.Shape[1], hw = x.Size / Math.Max(1, n * c);
        if (scale is not null && scale.Size != c) throw new ArgumentException($"ChannelAffine: scale {scale.ShapeString} does not fit {c} channels.");
        if (bias is not null && bias.Size != c) throw new ArgumentException($"ChannelAffine: bias {bias.ShapeString} does not fit {c} channels.");
        var y = Tensor.Uninitialized(x.Shape);
        Parallelism.For(0, n * c, p =>
            VectorOps.Affine(x.Data.AsSpan(p * hw, hw), scale?.Data[p % c] ?? 1f, bias?.Data[p % c] ?? 0f, y.Data.AsSpan(p * hw, hw)));
        Tensor[] inputs = [x, .. scale is null ? Array.Empty<Tensor>() : [scale], .. bias is null ? Array.Empty<Tensor>() : [bias]];
        return Tensor.Record(y, inputs, g =>
        {
            if (x.RequiresGrad)
            {
                var dx = TensorScope.Rent(x.Size, clear: false);
                Parallelism.For(0, n * c, p => TensorPrimitives.Multiply(g.Data.AsSpan(p * hw, hw), scale?.Data[p % c] ?? 1f, dx.AsSpan(p * hw, hw)));
                x.AccumulateGradOwned(dx);
            }
            if (scale is { RequiresGrad: true })
            {
                var ds = new float[c];
                for (int p = 0; p < n * c; p++) ds[p % c] += TensorPrimitives.Dot(g.Data.AsSpan(p * hw, hw), x.Data.AsSpan(p * hw, hw));
                scale.AccumulateGradOwned(ds);
            }
            if (bias is { RequiresGrad: true })
            {
                var db = new float[c];
                for (int p = 0; p < n * c; p++) db[p % c] += TensorPrimitives.Sum(g.Data.AsSpan(p * hw, hw));
                bias.AccumulateGradOwned(db);
            }
        });
    }

    /// <summary>Inverted dropout: each element is zeroed with probability p and survivors scaled by 1/(1-p).</summary>
    public static Tensor Dropout(Tensor x, float p, bool training, Rng rng)
    {
        if (p < 0 || p >= 1) throw new ArgumentOutOfRangeException(nameof(p), $"Dropout probability must be in [0, 1), got {p}.");
        if (!training || p == 0) return x;
        var mask = TensorScope.Rent(x.Size);
        float keep = 1f / (1 - p);
        for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextDouble() < p ? 0f : keep;
        var y = new Tensor(x.Shape);
        TensorPrimitives.Multiply(x.Data, mask, y.Data);
        return Tensor.Record(y, x, g => { var d = TensorScope.Rent(x.Size); TensorPrimitives.Multiply(g.Data, mask, d); x.AccumulateGradOwned(d); });
    }
}
