namespace DeepPassport.Engine.Nn;

/// <summary>Which fan Kaiming initialisation preserves the variance of (PyTorch's <c>mode</c>).</summary>
public enum FanMode
{
    /// <summary>Inputs per output unit: preserves the variance of activations in the forward pass.</summary>
    FanIn,
    /// <summary>Outputs per input unit: preserves the variance of gradients in the backward pass.</summary>
    FanOut,
}
