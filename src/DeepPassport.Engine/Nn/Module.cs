using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Nn;

/// <summary>
/// Base of every layer and model (PyTorch's <c>nn.Module</c>). A module owns named parameters, buffers and
/// child modules, registered in its constructor; their dotted paths (<c>layer2.0.shortcut.bn.running_mean</c>)
/// are the names used by <see cref="StateDict"/> and checkpoints. Order is registration order.
/// </summary>
public abstract class Module
{
    private readonly OrderedDictionary<string, Parameter> _parameters = new(StringComparer.Ordinal);
    private readonly OrderedDictionary<string, BufferSlot> _buffers = new(StringComparer.Ordinal);
    private readonly OrderedDictionary<string, Module> _children = new(StringComparer.Ordinal);

    /// <summary>Whether the module is in training mode (the default); see <see cref="Train"/>.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Computes the module's output.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>Sets training (or, with false, evaluation) mode on this module and all descendants.</summary>
    public Module Train(bool mode = true)
    {
        IsTraining = mode;
        foreach (var child in _children.Values) child.Train(mode);
        return this;
    }

    /// <summary>Evaluation mode: same as <c>Train(false)</c>.</summary>
    public Module Eval() => Train(false);

    /// <summary>Registers a parameter under <paramref name="name"/> and returns it.</summary>
    protected Parameter RegisterParameter(string name, Parameter parameter)
    {
        CheckNewName(name);
        _parameters.Add(name, parameter ?? throw new ArgumentNullException(nameof(parameter)));
        return parameter;
    }

    /// <summary>Registers a persistent float buffer (saved in the state dict, not trained) and returns it.</summary>
    protected Tensor RegisterBuffer(string name, Tensor buffer)
    {
        CheckNewName(name);
        _buffers.Add(name, new BufferSlot(buffer ?? throw new ArgumentNullException(nameof(buffer)), null));
        return buffer;
    }

    /// <summary>Registers a persistent int64 buffer (saved as an I64 scalar) and returns it.</summary>
    protected Int64Buffer RegisterBuffer(string name, Int64Buffer buffer)
    {
        CheckNewName(name);
        _buffers.Add(name, new BufferSlot(null, buffer ?? throw new ArgumentNullException(nameof(buffer))));
        return buffer;
    }

    /// <summary>Registers a child module under <paramref name="name"/> and returns it.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckNewName(name);
        ArgumentNullException.ThrowIfNull(module);
        if (ReferenceEquals(module, this)) throw new ArgumentException("A module cannot be its own child.", nameof(module));
        _children.Add(name, module);
        return module;
    }

    /// <summary>The direct children with their names.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren()
    {
        foreach (var (name, child) in _children) yield return (name, child);
    }

    /// <summary>This module (name "") and every descendant with its dotted path, depth first in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules()
    {
        var stack = new Stack<(string, Module)>();
        stack.Push(("", this));
        while (stack.Count > 0)
        {
            var (name, m) = stack.Pop();
            yield return (name, m);
            for (int i = m._children.Count - 1; i >= 0; i--)
            {
                var (childName, child) = m._children.GetAt(i);
                stack.Push((Join(name, childName), child));
            }
        }
    }

    /// <summary>All parameters of this module and its descendants with dotted names (<c>features.0.conv.weight</c>).</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters()
    {
        foreach (var (prefix, m) in NamedModules())
            foreach (var (name, p) in m._parameters) yield return (Join(prefix, name), p);
    }

    /// <summary>All parameters, frozen ones included, in <see cref="NamedParameters"/> order.</summary>
    public IEnumerable<Parameter> Parameters() => NamedParameters().Select(np => np.Parameter);

    /// <summary>The total number of parameter elements.</summary>
    public long ParameterCount() => Parameters().Sum(p => (long)p.Size);

    /// <summary>All float buffers (running statistics and the like) with dotted names.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers()
    {
        foreach (var (prefix, m) in NamedModules())
            foreach (var (name, slot) in m._buffers)
                if (slot.Tensor is not null) yield return (Join(prefix, name), slot.Tensor);
    }

    /// <summary>All int64 buffers (such as <c>num_batches_tracked</c>) with dotted names.</summary>
    public IEnumerable<(string Name, Int64Buffer Buffer)> NamedInt64Buffers()
    {
        foreach (var (prefix, m) in NamedModules())
            foreach (var (name, slot) in m._buffers)
                if (slot.Counter is not null) yield return (Join(prefix, name), slot.Counter);
    }

    /// <summary>The descendant at a dotted path ("" is this module); throws if there is none.</summary>
    public Module GetSubmodule(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Module m = this;
        if (path.Length == 0) return m;
        foreach (var part in path.Split('.'))
            if (!m._children.TryGetValue(part, out m!))
                throw new ArgumentException($"No submodule '{path}' (no child '{part}').", nameof(path));
        return m;
    }

    /// <summary>
    /// A copy of every parameter and buffer by dotted name, in PyTorch's order (each module's parameters,
    /// then its buffers, then its children). Tensors are cloned: later training does not change the dict.
    /// </summary>
    public StateDict StateDict()
    {
        var dict = new StateDict();
        foreach (var (name, slot) in StateSlots())
        {
            if (slot.Counter is not null) dict.Add(name, slot.Counter.Value);
            else dict.Add(name, slot.Tensor!.Detach().Clone());
        }
        return dict;
    }

    /// <summary>
    /// Copies the values of <paramref name="state"/> into this module's parameters and buffers, in place.
    /// Every entry is checked before anything is copied: a shape or type mismatch always throws a
    /// <see cref="StateDictException"/> naming the entry, the expected and the found shape; with
    /// <paramref name="strict"/>, missing or unexpected names throw too. Otherwise they are reported.
    /// </summary>
    public LoadReport LoadStateDict(StateDict state, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(state);
        var slots = StateSlots().ToList();
        var expected = new HashSet<string>(StringComparer.Ordinal);
        var missing = new List<string>();
        var errors = new List<string>();
        foreach (var (name, slot) in slots)
        {
            expected.Add(name);
            if (!state.TryGetValue(name, out var value)) { missing.Add(name); continue; }
            if (slot.Counter is not null)
            {
                if (!value.IsInt64) errors.Add($"'{name}': the module expects an I64 scalar but the state dict has {value.Describe()}.");
            }
            else if (value.IsInt64)
                errors.Add($"'{name}': the module expects F32{slot.Tensor!.ShapeString} but the state dict has an I64 scalar.");
            else if (!slot.Tensor!.Shape.AsSpan().SequenceEqual(value.Tensor!.Shape))
                errors.Add($"size mismatch for '{name}': the module expects shape {slot.Tensor.ShapeString} but the state dict has {value.Tensor.ShapeString}.");
        }
        var unexpected = state.Keys.Where(k => !expected.Contains(k)).ToList();
        if (errors.Count > 0)
            throw new StateDictException($"Error loading state dict into {GetType().Name}: {string.Join(" ", errors)}");
        if (strict && (missing.Count > 0 || unexpected.Count > 0))
            throw new StateDictException($"Error loading state dict into {GetType().Name} (strict): " +
                $"missing keys [{string.Join(", ", missing)}]; unexpected keys [{string.Join(", ", unexpected)}].");

        foreach (var (name, slot) in slots)
        {
            if (!state.TryGetValue(name, out var value)) continue;
            if (slot.Counter is not null) slot.Counter.Value = value.Int64;
            else value.Tensor!.Data.AsSpan().CopyTo(slot.Tensor!.Data);
        }
        return new LoadReport(missing, unexpected);
    }

    /// <summary>Every state entry in state-dict order; parameters appear as their tensor.</summary>
    private IEnumerable<(string Name, BufferSlot Slot)> StateSlots()
    {
        foreach (var (prefix, m) in NamedModules())
        {
            foreach (var (name, p) in m._parameters) yield return (Join(prefix, name), new BufferSlot(p.Value, null));
            foreach (var (name, slot) in m._buffers) yield return (Join(prefix, name), slot);
        }
    }

    private void CheckNewName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('.')) throw new ArgumentException($"Name '{name}' must not contain '.'.", nameof(name));
        if (_parameters.ContainsKey(name) || _buffers.ContainsKey(name) || _children.ContainsKey(name))
            throw new ArgumentException($"{GetType().Name} already has a member named '{name}'.", nameof(name));
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>A float buffer or an int64 buffer (exactly one is set).</summary>
    private readonly record struct BufferSlot(Tensor? Tensor, Int64Buffer? Counter);
}
