using System.Runtime.CompilerServices;

namespace DeepPassport.Engine.Tensors;

/// <summary>
/// A dense float32 tensor: contiguous, row-major, with a shape. <see cref="Reshape"/> shares storage;
/// every operator makes a new tensor. When an input requires a gradient, operators record a graph node
/// so that <see cref="Backward"/> can accumulate <see cref="Grad"/> into the leaves.
/// </summary>
public sealed partial class Tensor
{
    private float[]? _data;

    /// <summary>The elements, exactly <see cref="Size"/> of them, row-major.</summary>
    public float[] Data => _data ?? throw new ObjectDisposedException(nameof(Tensor),
        $"This {ShapeString} tensor was made inside a TensorScope that has closed, and its storage went back to the pool. " +
        "Copy what must outlive the scope (Item, ToArray, Clone) before closing it.");

    /// <summary>The extent of each dimension (NCHW for images).</summary>
    public int[] Shape { get; }

    /// <summary>Whether gradients flow into this tensor. Set to false to freeze a parameter.</summary>
    public bool RequiresGrad { get; set; }

    /// <summary>The accumulated gradient of the loss with respect to this tensor, same shape.</summary>
    public Tensor? Grad { get; set; }

    public Tensor(float[] data, params int[] shape)
    {
        long n = ShapeSize(shape);
        if (n != data.Length)
            throw new ArgumentException($"Data has {data.Length} elements but shape [{string.Join(", ", shape)}] needs {n}.");
        _data = data;
        Shape = (int[])shape.Clone();
        TensorScope.Adopt(this, data);
    }

    /// <summary>Zeros of the given shape (storage pooled while a <see cref="TensorScope"/> is open).</summary>
    public Tensor(params int[] shape) : this(TensorScope.Rent(CheckedSize(shape)), shape) { }

    /// <summary>
    /// A tensor whose every element the caller overwrites before anything reads it (an operator's output): its pooled
    /// storage is not zeroed first, which saved a pass over every activation of a training step.
    /// </summary>
    internal static Tensor Uninitialized(params int[] shape) => new(TensorScope.Rent(CheckedSize(shape), clear: false), shape);

    /// <summary>Whether the storage is still this tensor's (false once its <see cref="TensorScope"/> closed).</summary>
    public bool IsAlive => _data is not null;

    internal void Invalidate() => _data = null;

    public int Size => Data.Length;
    public int Rank => Shape.Length;
    public int Dim(int axis) => Shape[axis < 0 ? axis + Shape.Length : axis];
    public Span<float> Span => Data;
    public bool IsLeaf => BackwardFn is null;

    /// <summary>The value of a one-element tensor.</summary>
    public float Item() => Size == 1 ? Data[0] : throw new InvalidOperationException($"Item() needs one element, tensor has shape {ShapeString}.");

    [IndexerName("Element")]
    public float this[params int[] index]
    {
        get => Data[Offset(index)];
        set => Data[Offset(index)] = value;
    }

    public string ShapeString => "[" + string.Join(", ", Shape) + "]";
    public override string ToString() => $"Tensor{ShapeString}";

    public float[] ToArray() => (float[])Data.Clone();

    /// <summary>A tensor of the same shape and values with no graph history and no gradient.</summary>
    public Tensor Detach() => new(Data, Shape);

    /// <summary>A deep copy of the values (no history).</summary>
    public Tensor Clone() => new((float[])Data.Clone(), Shape);

    public static long ShapeSize(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"Negative dimension {d} in shape.");
            n *= d;
        }
        return n;
    }

    private static int CheckedSize(int[] shape)
    {
        long n = ShapeSize(shape);
        if (n > Array.MaxLength) throw new ArgumentException($"Shape [{string.Join(", ", shape)}] has {n} elements, more than one array can hold.");
        return (int)n;
    }

    private int Offset(int[] index)
    {
        if (index.Length != Rank) throw new ArgumentException($"Index of rank {index.Length} for tensor of shape {ShapeString}.");
        int off = 0;
        for (int i = 0; i < index.Length; i++)
        {
            if ((uint)index[i] >= (uint)Shape[i]) throw new IndexOutOfRangeException($"Index {index[i]} out of range for dimension {i} of shape {ShapeString}.");
            off = off * Shape[i] + index[i];
        }
        return off;
    }

    /// <summary>Throws unless both tensors have the same shape.</summary>
    internal static void CheckSameShape(Tensor a, Tensor b, [CallerMemberName] string op = "")
    {
        if (!a.Shape.AsSpan().SequenceEqual(b.Shape))
            throw new ArgumentException($"{op}: shapes {a.ShapeString} and {b.ShapeString} differ.");
    }
}
