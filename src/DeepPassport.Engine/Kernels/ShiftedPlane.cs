using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace DeepPassport.Engine.Kernels;

/// <summary>
/// An h x w plane moved by dy rows and s columns and cut to outH rows: out[oy·w + ox] = plane[(oy + dy)·w + ox + s]
/// where that lies inside the plane, else 0 (the rows of a same-width or halving im2col, <c>Im2Col</c>). As one flat
/// loop: out[p] = mask[p] ? plane[p + dy·w + s] : 0, the mask marking the positions that read inside, by masked loads
/// that touch no memory in the lanes they leave out. One pass of vectors a row of the column matrix, where a copy and
/// its border clears row by row took a dozen calls on a 4x4 plane. <see cref="Add"/> is the adjoint (col2im).
/// </summary>
internal static unsafe class ShiftedPlane
{
    /// <summary>out = the plane moved as <paramref name="move"/> says (<see cref="Masks.Of"/>), as above.</summary>
    public static void Copy(float* plane, float* output, Move move, int lanes = 0)
    {
        float* source = plane + move.Shift, mask = move.Mask;
        int n = move.Length, p = Lanes.Or(lanes) switch { 16 => Copy<Lanes16>(source, output, mask, n), 8 => Copy<Lanes8>(source, output, mask, n), _ => 0 };
        Copy<Lanes1>(source + p, output + p, mask + p, n - p);
    }

    /// <summary>plane[p + dy·w + s] += row[p] where mask[p]: the adjoint of <see cref="Copy"/>.</summary>
    public static void Add(float* row, float* plane, Move move, int lanes = 0)
    {
        float* target = plane + move.Shift, mask = move.Mask;
        int n = move.Length, p = Lanes.Or(lanes) switch { 16 => Add<Lanes16>(row, target, mask, n), 8 => Add<Lanes8>(row, target, mask, n), _ => 0 };
        Add<Lanes1>(row + p, target + p, mask + p, n - p);
    }

    /// <summary>One move (dy, s): its mask, dy·w + s, and the positions of the output plane.</summary>
    public readonly record struct Move(nint MaskAddress, long Shift, int Length)
    {
        public float* Mask => (float*)MaskAddress;
    }

    // `source` is the plane already moved by dy·w + s: source[p] may lie outside it, but only where mask[p] is off.

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Copy<L>(float* source, float* output, float* mask, int n) where L : unmanaged, ILanes<L>
    {
        int p = 0;
        for (; p <= n - L.Count; p += L.Count) L.Store(L.MaskLoad(source + p, L.Load(mask + p)), output + p);
        return p;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Add<L>(float* row, float* target, float* mask, int n) where L : unmanaged, ILanes<L>
    {
        int p = 0;
        for (; p <= n - L.Count; p += L.Count)
        {
            var m = L.Load(mask + p);
            L.MaskStore(L.MaskLoad(target + p, m) + L.Load(row + p), target + p, m);
        }
        return p;
    }

    /// <summary>
    /// For an h x w plane cut to outH rows, the mask of every move (dy, s) with |dy|, |s| ≤ reach: lane p on (all bits
    /// set, so its sign bit too) where row ⌊p/w⌋ + dy and column p mod w + s are inside the plane. Made once per shape
    /// and kept (<see cref="Get"/>): a network has a handful. The masks live on the pinned heap, so a <see cref="Move"/>
    /// holds their address.
    /// </summary>
    public sealed class Masks
    {
        private static readonly ConcurrentDictionary<(int, int, int, int), Masks> Made = new();
        private readonly float[] _masks;
        private readonly int _reach;
        public int W { get; }
        /// <summary>outH·w, the positions of one output plane.</summary>
        public int Length { get; }

        public static Masks Get(int h, int w, int outH, int reach) => Made.GetOrAdd((h, w, outH, reach), k => new Masks(k.Item1, k.Item2, k.Item3, k.Item4));

        private Masks(int h, int w, int outH, int reach)
        {
            W = w;
            Length = outH * w;
            _reach = reach;
            int side = 2 * reach + 1;
            _masks = GC.AllocateArray<float>(side * side * Length, pinned: true);
            float on = BitConverter.Int32BitsToSingle(-1);
            for (int dy = -reach; dy <= reach; dy++)
                for (int s = -reach; s <= reach; s++)
                {
                    var mask = Slot(dy, s);
                    for (int oy = 0; oy < outH; oy++)
                        for (int ox = 0; ox < w; ox++)
                            mask[oy * w + ox] = (uint)(oy + dy) < (uint)h && (uint)(ox + s) < (uint)w ? on : 0f;
                }
        }

        /// <summary>The move by (dy, s) of this shape's planes.</summary>
        public Move Of(int dy, int s)
        {
            fixed (float* p = Slot(dy, s)) return new Move((nint)p, (long)dy * W + s, Length);   // pinned: the address stays
        }

        private Span<float> Slot(int dy, int s)
        {
            if (Math.Abs(dy) > _reach || Math.Abs(s) > _reach) throw new ArgumentOutOfRangeException(nameof(dy), $"move ({dy}, {s}) beyond {_reach}");
            return _masks.AsSpan(((dy + _reach) * (2 * _reach + 1) + s + _reach) * Length, Length);
        }
    }
}
