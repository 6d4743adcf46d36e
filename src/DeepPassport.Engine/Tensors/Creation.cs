namespace DeepPassport.Engine.Tensors;

public sealed partial class Tensor
{
    public static Tensor Zeros(params int[] shape) => new(shape);

    public static Tensor Ones(params int[] shape) => Full(1f, shape);

    public static Tensor Full(float value, params int[] shape)
    {
        var t = new Tensor(shape);
        t.Data.AsSpan().Fill(value);
        return t;
    }

    /// <summary>0, 1, ..., n-1 as a 1-D tensor.</summary>
    public static Tensor Arange(int n)
    {
        var t = new Tensor(n);
        for (int i = 0; i < n; i++) t.Data[i] = i;
        return t;
    }

    /// <summary>Standard normal samples from a seeded generator.</summary>
    public static Tensor Randn(Rng rng, params int[] shape)
    {
        var t = new Tensor(shape);
        rng.FillNormal(t.Data, 0f, 1f);
        return t;
    }

    /// <summary>Uniform samples in [low, high) from a seeded generator.</summary>
    public static Tensor Rand(Rng rng, float low, float high, params int[] shape)
    {
        var t = new Tensor(shape);
        rng.FillUniform(t.Data, low, high);
        return t;
    }

    public static Tensor FromArray(float[] data, params int[] shape) => new(data, shape);

    public static Tensor Scalar(float value) => new([value]);

    public static Tensor ZerosLike(Tensor t) => new(t.Shape);
}
