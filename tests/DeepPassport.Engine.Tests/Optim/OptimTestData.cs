using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.Optim;

/// <summary>A fixed parameter and per-step gradients for hand-checked optimiser steps.</summary>
internal static class OptimTestData
{
    public static readonly double[] W0 = [1.0, -2.0, 0.5];

    public static readonly double[][] Grads = [[0.1, -0.2, 0.3], [-0.4, 0.5, 0.05], [0.2, 0.2, -0.7]];

    public static Parameter NewParameter() => new(Tensor.FromArray(W0.Select(v => (float)v).ToArray(), 3));

    public static void SetGrad(Parameter p, double[] g) => p.Grad = Tensor.FromArray(g.Select(v => (float)v).ToArray(), 3);

    public static void AssertClose(double[] expected, float[] actual, double tol = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * Math.Max(1, Math.Abs(expected[i])),
                $"element {i}: expected {expected[i]}, got {actual[i]}");
    }
}
