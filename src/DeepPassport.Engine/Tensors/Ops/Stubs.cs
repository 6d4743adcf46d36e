namespace DeepPassport.Engine.Tensors;

public static partial class F
{
    /// <summary>Max pooling over kernel x kernel windows, NCHW.</summary>
    public static Tensor MaxPool2d(Tensor x, int kernel, int stride, int padding = 0) => throw new NotImplementedException();
    /// <summary>Average pooling (padding counted as zeros, PyTorch's count_include_pad=True).</summary>
    public static Tensor AvgPool2d(Tensor x, int kernel, int stride, int padding = 0) => throw new NotImplementedException();
    /// <summary>[N, C, H, W] to [N, C, 1, 1] by averaging each plane.</summary>
    public static Tensor AdaptiveAvgPool2d1x1(Tensor x) => throw new NotImplementedException();
    /// <summary>Batch norm over (N, H, W) per channel; running stats updated in training mode (unbiased variance), used in eval.</summary>
    public static Tensor BatchNorm2d(Tensor x, Tensor? weight, Tensor? bias, Tensor? runningMean, Tensor? runningVar, bool training, float momentum = 0.1f, float eps = 1e-5f) => throw new NotImplementedException();
    /// <summary>Group norm: per sample, per group of C/groups channels; optional per-channel affine.</summary>
    public static Tensor GroupNorm(Tensor x, int groups, Tensor? weight, Tensor? bias, float eps = 1e-5f) => throw new NotImplementedException();
    /// <summary>Instance norm (per sample, per channel; no running stats), optional affine.</summary>
    public static Tensor InstanceNorm2d(Tensor x, Tensor? weight, Tensor? bias, float eps = 1e-5f) => throw new NotImplementedException();
    /// <summary>y = scale[c] * x + bias[c] for NCHW x, scale/bias [C] (either may be null).</summary>
    public static Tensor ChannelAffine(Tensor x, Tensor? scale, Tensor? bias) => throw new NotImplementedException();
    /// <summary>Inverted dropout: zero with probability p, scale survivors by 1/(1-p); identity when not training.</summary>
    public static Tensor Dropout(Tensor x, float p, bool training, Rng rng) => throw new NotImplementedException();
    public static Tensor Softmax(Tensor x, int axis = -1) => throw new NotImplementedException();
    public static Tensor LogSoftmax(Tensor x, int axis = -1) => throw new NotImplementedException();
    /// <summary>Mean cross-entropy of logits [N, C] against integer labels.</summary>
    public static Tensor CrossEntropy(Tensor logits, int[] labels) => throw new NotImplementedException();
    public static Tensor MseLoss(Tensor x, Tensor target) => throw new NotImplementedException();
    public static Tensor L1Loss(Tensor x, Tensor target) => throw new NotImplementedException();
    /// <summary>Elementwise max(0, margin - x).</summary>
    public static Tensor Hinge(Tensor x, float margin) => throw new NotImplementedException();
}
