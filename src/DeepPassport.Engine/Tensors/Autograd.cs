namespace DeepPassport.Engine.Tensors;

public sealed partial class Tensor
{
    /// <summary>The inputs this tensor was computed from (null for a leaf).</summary>
    internal Tensor[]? Parents { get; private set; }

    /// <summary>Propagates this tensor's <see cref="Grad"/> into its parents' gradients.</summary>
    internal Action<Tensor>? BackwardFn { get; private set; }

    /// <summary>
    /// Attaches a graph node to <paramref name="output"/> when recording is on and some input requires a
    /// gradient. <paramref name="backward"/> receives dL/d(output) and must call <see cref="AccumulateGrad"/>
    /// for every input whose <see cref="RequiresGrad"/> is set.
    /// </summary>
    internal static Tensor Record(Tensor output, Tensor[] inputs, Action<Tensor> backward)
    {
        if (!NoGrad.IsRecording) return output;
        foreach (var t in inputs)
        {
            if (t.RequiresGrad)
            {
                output.RequiresGrad = true;
                output.Parents = inputs;
                output.BackwardFn = backward;
                return output;
            }
        }
        return output;
    }

    internal static Tensor Record(Tensor output, Tensor input, Action<Tensor> backward) => Record(output, [input], backward);

    /// <summary>Grad += g (allocating the gradient on first use). No-op when the tensor does not require one.</summary>
    internal void AccumulateGrad(ReadOnlySpan<float> g)
    {
        if (!RequiresGrad) return;
        if (g.Length != Size) throw new InvalidOperationException($"Gradient of {g.Length} elements for tensor of shape {ShapeString}.");
        if (Grad is null) { Grad = new Tensor(Shape); g.CopyTo(Grad.Data); }
        else System.Numerics.Tensors.TensorPrimitives.Add(Grad.Data, g, Grad.Data);
    }

    internal void AccumulateGrad(Tensor g) => AccumulateGrad(g.Data);

    /// <summary>
    /// Grad += g for a fresh array that nothing else holds: on first use the array becomes the gradient instead
    /// of being copied. Callers must not touch <paramref name="g"/> afterwards.
    /// </summary>
    internal void AccumulateGradOwned(float[] g)
    {
        if (!RequiresGrad) return;
        if (Grad is null && g.Length == Size) Grad = new Tensor(g, Shape);
        else
        {
            AccumulateGrad(g);
            TensorScope.Recycle(g);
        }
    }

    /// <summary>
    /// Reverse-mode differentiation from this tensor: dL/dL = 1 for a scalar, or <paramref name="gradient"/>.
    /// Gradients accumulate into the leaves that require them; the graph is released afterwards.
    /// </summary>
    public void Backward(Tensor? gradient = null)
    {
        if (!RequiresGrad) throw new InvalidOperationException("Backward() on a tensor that does not require a gradient (is everything frozen, or was it made under NoGrad?).");
        if (gradient is null && Size != 1) throw new InvalidOperationException($"Backward() without a gradient needs a scalar, not shape {ShapeString}.");
        var order = TopologicalOrder();
        var g = gradient?.Data ?? [1f];
        if (IsLeaf) { AccumulateGrad(g); return; }
        // A copy: the seed's storage is recycled after this node's backward (inside a TensorScope, from its pool).
        var seed = TensorScope.Rent(g.Length, clear: false);
        g.CopyTo(seed, 0);
        Grad = new Tensor(seed, Shape);
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var node = order[i];
            if (node.Grad is { } grad)
            {
                node.BackwardFn!(grad);
                // Inside a TensorScope the intermediate gradient's storage is reused by the nodes still to come.
                TensorScope.Recycle(grad.Data, grad);
            }
            // Release the graph: intermediate gradients and closures are not needed again.
            node.Grad = null;
            node.Parents = null;
            node.BackwardFn = null;
        }
    }

    /// <summary>Non-leaf nodes reachable from this one, each after all of its inputs.</summary>
    private List<Tensor> TopologicalOrder()
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor node, int next)>();
        stack.Push((this, 0));
        visited.Add(this);
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            var parents = node.Parents;
            if (parents is not null && next < parents.Length)
            {
                stack.Push((node, next + 1));
                var p = parents[next];
                if (!p.IsLeaf && visited.Add(p)) stack.Push((p, 0));
            }
            else if (!node.IsLeaf) order.Add(node);
        }
        return order;
    }
}
