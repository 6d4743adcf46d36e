using System.Numerics.Tensors;
using DeepPassport.Engine.Nn;

namespace DeepPassport.Engine.Optim;

/// <summary>Gradient clipping (<c>torch.nn.utils.clip_grad_norm_</c>).</summary>
public static class GradClip
{
    /// <summary>
    /// Scales all gradients together so that their joint L2 norm is at most <paramref name="maxNorm"/>:
    /// total = sqrt(Σ ||g||²), and when maxNorm / (total + 1e-6) &lt; 1 every gradient is multiplied by it.
    /// Frozen parameters and parameters without a gradient are skipped. Returns the norm before clipping.
    /// </summary>
    public static float ClipGradNorm(IEnumerable<Parameter> parameters, float maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm >= 0f)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "maxNorm must not be negative.");
        var grads = parameters.Where(p => p.RequiresGrad && p.Grad is not null).Select(p => p.Grad!.Data).ToList();
        double sumSquares = 0;
        foreach (var g in grads)
        {
            double n = TensorPrimitives.Norm<float>(g);
            sumSquares += n * n;
        }
        float total = (float)Math.Sqrt(sumSquares);
        float coef = maxNorm / (total + 1e-6f);
        if (coef < 1f)
            foreach (var g in grads) TensorPrimitives.Multiply(g, coef, g);
        return total;
    }
}
