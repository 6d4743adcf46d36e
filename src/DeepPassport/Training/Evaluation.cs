using DeepPassport.Engine.Data;
using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;

namespace DeepPassport.Training;

/// <summary>Top-1 accuracy of a classifier, computed from its predictions.</summary>
public static class Evaluation
{
    /// <summary>Fraction of the data set the model classifies correctly, in evaluation mode and without a graph.</summary>
    public static double Accuracy(Module model, IImageDataset data, Augmentation augmentation, int batchSize = 128)
    {
        if (data.Count == 0) throw new ArgumentException("Cannot measure accuracy on an empty data set.");
        bool wasTraining = model.IsTraining;
        model.Eval();
        long correct = 0;
        try
        {
            using var _ = NoGrad.Scope();
            var loader = new DataLoader(data, new DataLoaderOptions(batchSize, Augmentation: augmentation));
            foreach (var b in loader.Epoch(0)) correct += CountCorrect(model.Forward(b.Images), b.Labels);
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
