using DeepPassport.Engine.Data;
using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;
using DeepPassport.Passports;
using DeepPassport.Schemes;
using DeepPassport.Training;

namespace DeepPassport.Tests.Training;

public class TrainerTests
{
    private static PlainModel LinearModel() => new(new Sequential(new Flatten(), new Linear(3 * 32 * 32, 10, new Rng(1))));

    /// <summary>An absurd learning rate blows the loss up; the trainer stops with a clear error instead of training on NaN weights.</summary>
    [Fact]
    public void DivergenceStopsTrainingWithAClearError()
    {
        var data = new SyntheticShapes(64, seed: 3);
        var trainer = new Trainer(LinearModel(), new TrainOptions { Epochs = 3, BatchSize = 16, LearningRate = 1e30f, Seed = 1 });
        var e = Assert.Throws<TrainingDivergedException>(() =>
            trainer.Run(data, data, Augmentation.Eval(Normalization.Cifar), Augmentation.Eval(Normalization.Cifar)));
        Assert.Contains("diverged at epoch 1", e.Message);
        Assert.Contains("learning rate", e.Message);
    }

    [Fact]
    public void SaneLearningRateTrainsWithoutComplaint()
    {
        var data = new SyntheticShapes(64, seed: 3);
        var trainer = new Trainer(LinearModel(), new TrainOptions { Epochs = 2, BatchSize = 16, LearningRate = 0.01f, Seed = 1 });
        var result = trainer.Run(data, data, Augmentation.Eval(Normalization.Cifar), Augmentation.Eval(Normalization.Cifar));
        Assert.Equal(2, result.History.Count);
        Assert.All(result.History, m => Assert.True(double.IsFinite(m.Loss)));
    }

    /// <summary>Each epoch logs the mean of every loss term (SP has all four), and they add up to the logged loss.</summary>
    [Fact]
    public void EpochMetricsSplitTheLossIntoItsTerms()
    {
        var model = new PassportModel("alexnet", 10, PassportConfig.Load("alexnet-last3", "alexnet"), PassportScheme.Sp, NormType.Bn, 2)
            { BalanceWeight = 0.1f };
        var data = new SyntheticShapes(32, seed: 4);
        var trainer = new Trainer(model, new TrainOptions { Epochs = 1, BatchSize = 16, LearningRate = 0.01f, Seed = 1 });
        var m = trainer.Run(data, data, Augmentation.Eval(Normalization.Cifar), Augmentation.Eval(Normalization.Cifar)).History.Single();
        Assert.Equal(["balance", "ce_deployment", "ce_verification", "sign"], m.LossTerms!.Keys.Order());
        Assert.All(m.LossTerms.Values, v => Assert.True(double.IsFinite(v) && v >= 0));
        Assert.Equal(m.Loss, m.LossTerms.Values.Sum(), 1e-3 * m.Loss);
    }

    /// <summary>
    /// After each epoch the verification branch's own batch norms (SP bn1) are re-estimated as a plain average over the
    /// given number of training batches with the final weights; the deployment branch's (bn0) are left as trained.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void VerificationNormsAreRecalibratedAfterEachEpoch(int batches)
    {
        var model = new PassportModel("alexnet", 10, PassportConfig.Load("alexnet-last3", "alexnet"), PassportScheme.Sp, NormType.Bn, 2);
        var data = new SyntheticShapes(80, seed: 4);   // 5 training batches of 16
        var trainer = new Trainer(model, new TrainOptions { Epochs = 2, BatchSize = 16, LearningRate = 0.01f, Seed = 1, RecalibrationBatches = batches });
        trainer.Run(data, data, Augmentation.Eval(Normalization.Cifar), Augmentation.Eval(Normalization.Cifar));
        var norms = model.VerificationNorms();
        Assert.Equal(3, norms.Count);
        Assert.All(norms, n => Assert.Equal(batches == 0 ? 10 : batches, n.NumBatchesTracked.Value));
        Assert.All(norms, n => Assert.Equal(0.1f, n.Momentum));
        foreach (var (_, block) in model.PassportLayers)
            Assert.Equal(10, ((BatchNorm2d)((SpPassportBlock)block).Norm0!).NumBatchesTracked.Value);
        Assert.True(model.Network.IsTraining);
    }
}
