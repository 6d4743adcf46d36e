using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Tests.Tensors;

/// <summary>
/// Compares an operator's backward pass with central finite differences. The scalar probed is
/// L = sum(f(inputs) * R) for a fixed random R, so every output element gets a different weight; L is summed in
/// float64. Large inputs are probed at a sample of positions.
/// </summary>
public static class GradCheck
{
    public static void Check(Func<Tensor[], Tensor> f, Tensor[] inputs, float eps = 1e-2f, double tol = 2e-2, int maxProbes = 48, ulong seed = 7)
    {
        foreach (var t in inputs) { t.RequiresGrad = true; t.Grad = null; }
        var rng = new Rng(seed);
        var y = f(inputs);
        var r = Tensor.Randn(rng, y.Shape);
        (y * r).Sum().Backward();
        double Loss()
        {
            using var _ = NoGrad.Scope();
            var o = f(inputs);
            double s = 0;
            for (int i = 0; i < o.Size; i++) s += (double)o.Data[i] * r.Data[i];
            return s;
        }
        for (int k = 0; k < inputs.Length; k++)
        {
            var t = inputs[k];
            Assert.True(t.Grad is not null, $"input {k} got no gradient");
            int probes = Math.Min(maxProbes, t.Size);
            for (int p = 0; p < probes; p++)
            {
                int i = t.Size <= maxProbes ? p : rng.NextInt(t.Size);
                float old = t.Data[i];
                t.Data[i] = old + eps; double up = Loss();
                t.Data[i] = old - eps; double down = Loss();
                t.Data[i] = old;
                double numeric = (up - down) / (2 * eps), analytic = t.Grad!.Data[i];
                double err = Math.Abs(numeric - analytic) / Math.Max(1.0, Math.Abs(numeric));
                Assert.True(err <= tol, $"input {k} element {i}: analytic {analytic:G6}, numeric {numeric:G6} (error {err:G3})");
            }
        }
    }
}
