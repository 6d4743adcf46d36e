using System.Collections;
using System.Diagnostics.CodeAnalysis;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Nn;

/// <summary>
/// An ordered map from dotted PyTorch names (<c>features.0.conv.weight</c>) to values: float tensors for
/// parameters and buffers, int64 scalars for counters. The order is the module's registration order,
/// as in PyTorch's <c>state_dict()</c>.
/// </summary>
public sealed class StateDict : IEnumerable<KeyValuePair<string, StateValue>>
{
    private readonly OrderedDictionary<string, StateValue> _entries = new(StringComparer.Ordinal);

    /// <summary>The number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>The names, in order.</summary>
    public IEnumerable<string> Keys => _entries.Keys;

    /// <summary>Gets or sets an entry by name (setting keeps the position of an existing name).</summary>
    public StateValue this[string name]
    {
        get => _entries.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"State dict has no entry '{name}'.");
        set => _entries[name] = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Adds a float tensor entry; throws if the name exists.</summary>
    public void Add(string name, Tensor tensor) => AddEntry(name, StateValue.FromTensor(tensor));

    /// <summary>Adds an int64 scalar entry; throws if the name exists.</summary>
    public void Add(string name, long value) => AddEntry(name, StateValue.FromInt64(value));

    /// <summary>Adds an entry; throws if the name exists.</summary>
    public void Add(string name, StateValue value) => AddEntry(name, value);

    /// <summary>Whether an entry of this name exists.</summary>
    public bool ContainsKey(string name) => _entries.ContainsKey(name);

    /// <summary>Looks an entry up by name.</summary>
    public bool TryGetValue(string name, [MaybeNullWhen(false)] out StateValue value) => _entries.TryGetValue(name, out value);

    /// <summary>Removes an entry; returns whether it existed.</summary>
    public bool Remove(string name) => _entries.Remove(name);

    /// <summary>The tensor of a float entry; throws if missing or an int64 entry.</summary>
    public Tensor GetTensor(string name) =>
        this[name].Tensor ?? throw new InvalidOperationException($"State dict entry '{name}' is an int64 scalar, not a tensor.");

    /// <summary>The value of an int64 entry; throws if missing or a tensor entry.</summary>
    public long GetInt64(string name)
    {
        var v = this[name];
        return v.IsInt64 ? v.Int64 : throw new InvalidOperationException($"State dict entry '{name}' is a tensor {v.Tensor!.ShapeString}, not an int64 scalar.");
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, StateValue>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private void AddEntry(string name, StateValue value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_entries.TryAdd(name, value)) throw new ArgumentException($"State dict already has an entry '{name}'.", nameof(name));
    }
}
