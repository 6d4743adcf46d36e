using DeepPassport.Engine.Tensors;

namespace DeepPassport.Engine.Nn;

/// <summary>Applies its children in order (<c>nn.Sequential</c>); they are named "0", "1", ...</summary>
public sealed class Sequential : Module
{
    private readonly List<Module> _layers = [];

    /// <summary>Creates the container with the given layers.</summary>
    public Sequential(params IEnumerable<Module> layers)
    {
        foreach (var layer in layers) Add(layer);
    }

    /// <summary>The number of layers.</summary>
    public int Count => _layers.Count;

    /// <summary>The layer at <paramref name="index"/>.</summary>
    public Module this[int index] => _layers[index];

    /// <summary>Appends a layer under the next index name.</summary>
    public Sequential Add(Module layer)
    {
        RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        _layers.Add(layer);
        return this;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var layer in _layers)
            x = ReferenceEquals(x, input) ? layer.Forward(x) : TensorScope.Consumed(x, layer.Forward(x));
        return x;
    }
}
