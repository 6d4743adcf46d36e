namespace DeepPassport.Benchmarks;

/// <summary>
/// What one `deeppassport bench` run measures. bench/reference/bench_torch.py takes the same settings with the same
/// meaning, so that the two sets of figures can be divided one by the other.
/// </summary>
/// <param name="Rounds">Timed repetitions; every figure is the median over them (the machine may be shared).</param>
/// <param name="Steps">Training steps or inference batches in one repetition.</param>
/// <param name="TrainBatch">Images per training step.</param>
/// <param name="InferBatch">Images per inference batch.</param>
/// <param name="GemmSize">m = n = k of the GEMM whose rate is measured.</param>
/// <param name="Seed">Seed of the model's initial weights, the inputs and the labels.</param>
public sealed record BenchSettings(int Rounds = 5, int Steps = 10, int TrainBatch = 64, int InferBatch = 256, int GemmSize = 1024, ulong Seed = 1);

/// <summary>The speed of one model: training and inference rate, and what a training step allocates.</summary>
/// <param name="AllocBytesPerStep">Managed bytes allocated per training step by all threads (the kernels run on several).</param>
/// <param name="TrainPeakWorkingSet">Peak resident memory while training, in bytes (null where it cannot be reset).</param>
/// <param name="InferPeakWorkingSet">Peak resident memory while inferring, with the training step's pool let go first.</param>
public sealed record ModelSpeed(string Model, double TrainImagesPerSecond, double InferImagesPerSecond, long AllocBytesPerStep, double TrainStepMsMedian,
    long? TrainPeakWorkingSet, long? InferPeakWorkingSet);
