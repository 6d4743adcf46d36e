namespace DeepPassport.Engine.Nn;

/// <summary>The activation after a layer, which sets the initialisation gain (PyTorch's <c>calculate_gain</c>).</summary>
public enum Nonlinearity
{
    /// <summary>Identity or convolution: gain 1.</summary>
    Linear,
    /// <summary>Gain 5/3.</summary>
    Tanh,
    /// <summary>Gain 1.</summary>
    Sigmoid,
    /// <summary>Gain sqrt(2).</summary>
    Relu,
    /// <summary>Gain sqrt(2 / (1 + slope^2)).</summary>
    LeakyRelu,
}
