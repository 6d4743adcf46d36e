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
            Parallelism.For(0, c, ch =>
            {
                double s = 0, ss = 0;
                for (int i = 0; i < n; i++)
                {
                    var span = x.Data.AsSpan((i * c + ch) * hw, hw);
                    s += TensorPrimitives.Sum(span);
                }
                double mu = s / count;
                for (int i = 0; i < n; i++)
                {
                    var span = x.Data.AsSpan((i * c + ch) * hw, hw);
                    foreach (float v in span) { double dv = v - mu; ss += dv * dv; }
                }
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
        return NormalizeGroups(x, n, c, 1, hw, mean, invStd, weight, bias, batchStats: training, perSample: false);
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
            double mu = TensorPrimitives.Sum(span) / (double)size, ss = 0;
            foreach (float v in span) { double dv = v - mu; ss += dv * dv; }
            mean[k] = (float)mu; invStd[k] = (float)(1.0 / Math.Sqrt(ss / size + eps));
        });
        return NormalizeGroups(x, n, c, cpg, hw, mean, invStd, weight, bias, batchStats: true, perSample: true);
    }

    /// <summary>Instance norm: group norm with one channel a group (no running statistics).</summary>
    public static Tensor InstanceNorm2d(Tensor x, Tensor? weight, Tensor? bias, float eps = 1e-5f)
        => GroupNorm(x, x.Rank >= 2 ? x.Shape[1] : 1, weight, bias, eps);

    /// <summary>
    /// y = weight[ch] * (x - mean[s]) * invStd[s] + bias[ch], where the statistic slot s is the channel (batch norm)
    /// or (sample, group) (group norm). When the statistics came from the same x (<paramref name="batchStats"/>)
    /// the backward pass differentiates through them: dx = invStd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)),
    /// means taken over the slot's elements.
    /// </summary>
    private static Tensor NormalizeGroups(Tensor x, int n, int c, int cpg, int hw, float[] mean, float[] invStd,
        Tensor? weight, Tensor? bias, bool batchStats, bool perSample)
    {
        if (weight is not null && weight.Size != c) throw new ArgumentException($"Norm: weight {weight.ShapeString} does not fit {c} channels.");
        if (bias is not null && bias.Size != c) throw new ArgumentException($"Norm: bias {bias.ShapeString} does not fit {c} channels.");
        int groups = c / cpg;
        int Slot(int i, int ch) => perSample ? i * groups + ch / cpg : ch;
        var xhat = new float[x.Size];
        var y = new Tensor(x.Shape);
        Parallelism.For(0, n * c, p =>
        {
            int i = p / c, ch = p % c, s = Slot(i, ch);
            var src = x.Data.AsSpan(p * hw, hw); var xh = xhat.AsSpan(p * hw, hw); var dst = y.Data.AsSpan(p * hw, hw);
            TensorPrimitives.Subtract(src, mean[s], xh);
            TensorPrimitives.Multiply(xh, invStd[s], xh);
            ScaleShift(xh, weight?.Data[ch] ?? 1f, bias?.Data[ch] ?? 0f, dst);
        });
        Tensor[] inputs = [x, .. weight is null ? Array.Empty<Tensor>() : [weight], .. bias is null ? Array.Empty<Tensor>() : [bias]];
        return Tensor.Record(y, inputs, g =>
        {
            var gd = g.Data;
            if (weight is { RequiresGrad: true } || bias is { RequiresGrad: true })
            {
                var dw = new float[c]; var db = new float[c];
                for (int p = 0; p < n * c; p++)
                {
                    int ch = p % c;
                    dw[ch] += TensorPrimitives.Dot(gd.AsSpan(p * hw, hw), xhat.AsSpan(p * hw, hw));
                    db[ch] += TensorPrimitives.Sum(gd.AsSpan(p * hw, hw));
                }
                weight?.AccumulateGrad(dw);
                bias?.AccumulateGrad(db);
            }
            if (!x.RequiresGrad) return;
            // dxhat = g * weight; per slot: mean(dxhat) and mean(dxhat * xhat).
            var dxhat = new float[x.Size];
            for (int p = 0; p < n * c; p++) TensorPrimitives.Multiply(gd.AsSpan(p * hw, hw), weight?.Data[p % c] ?? 1f, dxhat.AsSpan(p * hw, hw));
            var dx = new float[x.Size];
            if (!batchStats)
            {
                for (int p = 0; p < n * c; p++) TensorPrimitives.Multiply(dxhat.AsSpan(p * hw, hw), invStd[p % c], dx.AsSpan(p * hw, hw));
                x.AccumulateGrad(dx);
                return;
            }
            int slots = mean.Length;
            var m1 = new double[slots]; var m2 = new double[slots]; var count = new int[slots];
            for (int p = 0; p < n * c; p++)
            {
                int s = Slot(p / c, p % c);
                m1[s] += TensorPrimitives.Sum(dxhat.AsSpan(p * hw, hw));
                m2[s] += TensorPrimitives.Dot(dxhat.AsSpan(p * hw, hw), xhat.AsSpan(p * hw, hw));
                count[s] += hw;
            }
            Parallelism.For(0, n * c, p =>
            {
                int s = Slot(p / c, p % c);
                float a = (float)(m1[s] / count[s]), b = (float)(m2[s] / count[s]), k = invStd[s];
                var dxh = dxhat.AsSpan(p * hw, hw); var xh = xhat.AsSpan(p * hw, hw); var dst = dx.AsSpan(p * hw, hw);
                for (int j = 0; j < hw; j++) dst[j] = k * (dxh[j] - a - xh[j] * b);
            });
            x.AccumulateGrad(dx);
        });
    }

    /// <summary>y = scale[c] * x + bias[c] for x [N, C, ...] and scale, bias [C] (either may be null).</summary>
    public static Tensor ChannelAffine(Tensor x, Tensor? scale, Tensor? bias)
    {
        if (x.Rank < 2) throw new ArgumentException($"ChannelAffine: input must be [N, C, ...], got {x.ShapeString}.");
        int n = x.Shape[0], c = x.Shape[1], hw = x.Size / Math.Max(1, n * c);
        if (scale is not null && scale.Size != c) throw new ArgumentException($"ChannelAffine: scale {scale.ShapeString} does not fit {c} channels.");
        if (bias is not null && bias.Size != c) throw new ArgumentException($"ChannelAffine: bias {bias.ShapeString} does not fit {c} channels.");
        var y = new Tensor(x.Shape);
        for (int p = 0; p < n * c; p++)
            ScaleShift(x.Data.AsSpan(p * hw, hw), scale?.Data[p % c] ?? 1f, bias?.Data[p % c] ?? 0f, y.Data.AsSpan(p * hw, hw));
        Tensor[] inputs = [x, .. scale is null ? Array.Empty<Tensor>() : [scale], .. bias is null ? Array.Empty<Tensor>() : [bias]];
        return Tensor.Record(y, inputs, g =>
        {
            if (x.RequiresGrad)
            {
                var dx = new float[x.Size];
                for (int p = 0; p < n * c; p++) TensorPrimitives.Multiply(g.Data.AsSpan(p * hw, hw), scale?.Data[p % c] ?? 1f, dx.AsSpan(p * hw, hw));
                x.AccumulateGrad(dx);
            }
            if (scale is { RequiresGrad: true })
            {
                var ds = new float[c];
                for (int p = 0; p < n * c; p++) ds[p % c] += TensorPrimitives.Dot(g.Data.AsSpan(p * hw, hw), x.Data.AsSpan(p * hw, hw));
                scale.AccumulateGrad(ds);
            }
            if (bias is { RequiresGrad: true })
            {
                var db = new float[c];
                for (int p = 0; p < n * c; p++) db[p % c] += TensorPrimitives.Sum(g.Data.AsSpan(p * hw, hw));
                bias.AccumulateGrad(db);
            }
        });
    }

    /// <summary>dst = src * a + b.</summary>
    private static void ScaleShift(ReadOnlySpan<float> src, float a, float b, Span<float> dst)
    {
        TensorPrimitives.Multiply(src, a, dst);
        TensorPrimitives.Add(dst, b, dst);
    }

    /// <summary>Inverted dropout: each element is zeroed with probability p and survivors scaled by 1/(1-p).</summary>
    public static Tensor Dropout(Tensor x, float p, bool training, Rng rng)
    {
        if (p < 0 || p >= 1) throw new ArgumentOutOfRangeException(nameof(p), $"Dropout probability must be in [0, 1), got {p}.");
        if (!training || p == 0) return x;
        var mask = new float[x.Size];
        float keep = 1f / (1 - p);
        for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextDouble() < p ? 0f : keep;
        var y = new Tensor(x.Shape);
        TensorPrimitives.Multiply(x.Data, mask, y.Data);
        return Tensor.Record(y, x, g => { var d = new float[x.Size]; TensorPrimitives.Multiply(g.Data, mask, d); x.AccumulateGrad(d); });
    }
}
