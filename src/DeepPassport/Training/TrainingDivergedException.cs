namespace DeepPassport.Training;

/// <summary>The training loss became NaN or infinite; the model's weights are no longer usable.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
