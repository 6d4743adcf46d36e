using DeepPassport.Engine.Data;
using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Schemes;

namespace DeepPassport.Training;

/// <summary>Top-1 accuracy of a classifier, computed from its predictions.</summary>
public static class Evaluation
{
    /// <summary>
    /// Fraction of the data set the model classifies correctly, in evaluation mode and without a graph.
    /// <paramref name="onBatch"/> hears (batches done, batches in all), starting with 0.
    /// </summary>
    public static double Accuracy(Module model, IImageDataset data, Augmentation augmentation, int batchSize = 128, Action<int, int>? onBatch = null) =>
        Accuracy(new PlainModel(model), Branch.Deployment, data, augmentation, batchSize, onBatch);

    /// <summary>The same through one branch of a two-branch model.</summary>
    public static double Accuracy(IBranchedModel branched, Branch branch, IImageDataset data, Augmentation augmentation, int batchSize = 128, Action<int, int>? onBatch = null)
    {
        if (data.Count == 0) throw new ArgumentException("Cannot measure accuracy on an empty data set.");
        var model = branched.Network;
        bool wasTraining = model.IsTraining;
        model.Eval();
        long correct = 0;
        try
        {
            using var _ = NoGrad.Scope();
            var loader = new DataLoader(data, new DataLoaderOptions(batchSize, Augmentation: augmentation));
            int done = 0;
            onBatch?.Invoke(0, loader.BatchCount);
            foreach (var b in loader.Epoch(0))
            {
                using (TensorScope.Begin()) correct += CountCorrect(branched.Forward(b.Images, branch), b.Labels);
                onBatch?.Invoke(++done, loader.BatchCount);
            }
        }
        finally { model.Train(wasTraining); }
        return (double)correct / data.Count;
    }

    public static int CountCorrect(Tensor logits, int[] labels)
    {
        var predicted = logits.ArgMaxRows();
        int n = 0;
        for (int i = 0; i < labels.Length; i++) if (predicted[i] == labels[i]) n++;
        return n;
    }
}
