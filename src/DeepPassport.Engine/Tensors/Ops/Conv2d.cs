using System.Numerics.Tensors;
using DeepPassport.Engine.Kernels;

namespace DeepPassport.Engine.Tensors;

public static partial class F
{
    /// <summary>
    /// 2-D convolution (cross-correlation, as PyTorch), NCHW: x [N, Cin, H, W], weight [Cout, Cin, kh, kw], bias [Cout]
    /// or null. Per image: Y = W [Cout, Cin*kh*kw] x im2col(x) [Cin*kh*kw, Ho*Wo]; 1x1 stride-1 unpadded
    /// convolutions skip im2col. Backward: dW += dY col^T, dcol = W^T dY scattered back by col2im, db = sum dY.
    /// Images are processed in parallel; each worker keeps its own dW and reduces at the end.
    /// </summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, int stride = 1, int padding = 0)
    {
        if (x.Rank != 4 || weight.Rank != 4 || x.Shape[1] != weight.Shape[1])
            throw new ArgumentException($"Conv2d: input {x.ShapeString} does not fit weight {weight.ShapeString} (need [N, Cin, H, W] and [Cout, Cin, kh, kw]).");
        var g = new ConvGeometry(x.Shape[1], x.Shape[2], x.Shape[3], weight.Shape[0], weight.Shape[2], weight.Shape[3], stride, padding);
        if (g.OutH <= 0 || g.OutW <= 0) throw new ArgumentException($"Conv2d: input {x.ShapeString} is smaller than kernel {weight.ShapeString} with padding {padding}.");
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != g.OutC)) throw new ArgumentException($"Conv2d: bias {bias.ShapeString} does not fit {g.OutC} channels.");
        int n = x.Shape[0];
        var y = new Tensor(n, g.OutC, g.OutH, g.OutW);
        int inSize = g.InC * g.InH * g.InW, outSize = g.OutC * g.OutPlane;
        Parallelism.For(0, n, i =>
        {
            var xi = x.Data.AsSpan(i * inSize, inSize);
            var yi = y.Data.AsSpan(i * outSize, outSize);
            if (g.IsPointwise) Gemm.Multiply(false, false, g.OutC, g.OutPlane, g.InC, weight.Data, xi, yi, false);
            else
            {
                float[] col = ArrayPoolF.Rent(g.ColRows * g.OutPlane);
                Im2Col.Forward(xi, col, g);
                Gemm.Multiply(false, false, g.OutC, g.OutPlane, g.ColRows, weight.Data, col, yi, false);
                ArrayPoolF.Return(col);
            }
            if (bias is not null)
                for (int c = 0; c < g.OutC; c++) TensorPrimitives.Add(yi.Slice(c * g.OutPlane, g.OutPlane), bias.Data[c], yi.Slice(c * g.OutPlane, g.OutPlane));
        });
        Tensor[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        return Tensor.Record(y, inputs, dy => Conv2dBackward(x, weight, bias, dy, g));
    }

    private static void Conv2dBackward(Tensor x, Tensor weight, Tensor? bias, Tensor dy, ConvGeometry g)
    {
        int n = x.Shape[0], inSize = g.InC * g.InH * g.InW, outSize = g.OutC * g.OutPlane;
        float[]? dx = x.RequiresGrad ? new float[x.Size] : null;
        bool needW = weight.RequiresGrad;
        int chunks = Parallelism.ChunkCount(n);
        var dwParts = needW ? new float[chunks][] : null;
        Parallelism.ForChunks(n, (chunk, start, end) =>
        {
            float[]? dw = needW ? new float[weight.Size] : null;
            float[] col = ArrayPoolF.Rent(g.ColRows * g.OutPlane);
            for (int i = start; i < end; i++)
            {
                var xi = x.Data.AsSpan(i * inSize, inSize);
                var dyi = dy.Data.AsSpan(i * outSize, outSize);
                if (dw is not null)
                {
                    if (g.IsPointwise) Gemm.Multiply(false, true, g.OutC, g.InC, g.OutPlane, dyi, xi, dw, true);
                    else
                    {
                        Im2Col.Forward(xi, col, g);
                        Gemm.Multiply(false, true, g.OutC, g.ColRows, g.OutPlane, dyi, col, dw, true);
                    }
                }
                if (dx is not null)
                {
                    var dxi = dx.AsSpan(i * inSize, inSize);
                    if (g.IsPointwise) Gemm.Multiply(true, false, g.InC, g.OutPlane, g.OutC, weight.Data, dyi, dxi, false);
                    else
                    {
                        Gemm.Multiply(true, false, g.ColRows, g.OutPlane, g.OutC, weight.Data, dyi, col, false);
                        Im2Col.Backward(col, dxi, g);
                    }
                }
            }
            ArrayPoolF.Return(col);
            if (dwParts is not null) dwParts[chunk] = dw!;
        });
        if (dx is not null) x.AccumulateGrad(dx);
        if (dwParts is not null)
        {
            for (int c = 1; c < dwParts.Length; c++) TensorPrimitives.Add(dwParts[0], dwParts[c], dwParts[0]);
            weight.AccumulateGrad(dwParts[0]);
        }
        if (bias is not null && bias.RequiresGrad)
        {
            var db = new float[g.OutC];
            for (int i = 0; i < n; i++)
                for (int c = 0; c < g.OutC; c++) db[c] += TensorPrimitives.Sum(dy.Data.AsSpan(i * outSize + c * g.OutPlane, g.OutPlane));
            bias.AccumulateGrad(db);
        }
    }
}

/// <summary>The sizes of one convolution.</summary>
internal readonly record struct ConvGeometry(int InC, int InH, int InW, int OutC, int KH, int KW, int Stride, int Padding)
{
    public int OutH => (InH + 2 * Padding - KH) / Stride + 1;
    public int OutW => (InW + 2 * Padding - KW) / Stride + 1;
    public int OutPlane => OutH * OutW;
    public int ColRows => InC * KH * KW;
    public bool IsPointwise => KH == 1 && KW == 1 && Stride == 1 && Padding == 0;
}

/// <summary>
/// im2col: row (c, ki, kj) of the column matrix holds x[c, oy*s + ki - p, ox*s + kj - p] for every output
/// position (zero outside the image); col2im is its adjoint and adds the columns back into the image.
/// </summary>
internal static class Im2Col
{
    public static void Forward(ReadOnlySpan<float> x, Span<float> col, ConvGeometry g)
    {
        int oh = g.OutH, ow = g.OutW, plane = g.OutPlane;
        for (int c = 0; c < g.InC; c++)
            for (int ki = 0; ki < g.KH; ki++)
                for (int kj = 0; kj < g.KW; kj++)
                {
                    var row = col.Slice(((c * g.KH + ki) * g.KW + kj) * plane, plane);
                    for (int oy = 0; oy < oh; oy++)
                    {
                        int iy = oy * g.Stride + ki - g.Padding;
                        var dst = row.Slice(oy * ow, ow);
                        if ((uint)iy >= (uint)g.InH) { dst.Clear(); continue; }
                        var src = x.Slice((c * g.InH + iy) * g.InW, g.InW);
                        if (g.Stride == 1)
                        {
                            // Contiguous run: ix = ox + kj - p is inside for ox in [lo, hi).
                            int lo = Math.Max(0, g.Padding - kj), hi = Math.Min(ow, g.InW + g.Padding - kj);
                            dst[..Math.Min(lo, ow)].Clear();
                            if (hi > lo) src.Slice(lo + kj - g.Padding, hi - lo).CopyTo(dst.Slice(lo));
                            if (hi < ow) dst[Math.Max(hi, 0)..].Clear();
                        }
                        else
                            for (int ox = 0; ox < ow; ox++)
                            {
                                int ix = ox * g.Stride + kj - g.Padding;
                                dst[ox] = (uint)ix < (uint)g.InW ? src[ix] : 0f;
                            }
                    }
                }
    }

    public static void Backward(ReadOnlySpan<float> col, Span<float> dx, ConvGeometry g)
    {
        dx.Clear();
        int oh = g.OutH, ow = g.OutW, plane = g.OutPlane;
        for (int c = 0; c < g.InC; c++)
            for (int ki = 0; ki < g.KH; ki++)
                for (int kj = 0; kj < g.KW; kj++)
                {
                    var row = col.Slice(((c * g.KH + ki) * g.KW + kj) * plane, plane);
                    for (int oy = 0; oy < oh; oy++)
                    {
                        int iy = oy * g.Stride + ki - g.Padding;
                        if ((uint)iy >= (uint)g.InH) continue;
                        var dst = dx.Slice((c * g.InH + iy) * g.InW, g.InW);
                        var src = row.Slice(oy * ow, ow);
                        if (g.Stride == 1)
                        {
                            int lo = Math.Max(0, g.Padding - kj), hi = Math.Min(ow, g.InW + g.Padding - kj);
                            if (hi > lo) TensorPrimitives.Add(dst.Slice(lo + kj - g.Padding, hi - lo), src.Slice(lo, hi - lo), dst.Slice(lo + kj - g.Padding, hi - lo));
                        }
                        else
                            for (int ox = 0; ox < ow; ox++)
                            {
                                int ix = ox * g.Stride + kj - g.Padding;
                                if ((uint)ix < (uint)g.InW) dst[ix] += src[ox];
                            }
                    }
                }
    }
}
