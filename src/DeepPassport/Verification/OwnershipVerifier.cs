using DeepPassport.Engine.Data;
using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Models;
using DeepPassport.Owner;
using DeepPassport.Passports;
using DeepPassport.Schemes;
using DeepPassport.Training;

namespace DeepPassport.Verification;

/// <summary>What a verification evaluates on, and how hard it tries.</summary>
/// <param name="Test">Labelled images for the accuracies.</param>
/// <param name="TestAugmentation">Their preprocessing.</param>
/// <param name="Trigger">The trigger set for the black-box check, or null.</param>
/// <param name="FakeDraws">How many sets of random passports the baseline tries.</param>
/// <param name="FakeImages">How many test images each random-passport draw is evaluated on.</param>
public sealed record VerificationOptions(IImageDataset Test, Augmentation TestAugmentation, IImageDataset? Trigger = null,
    int FakeDraws = 5, int FakeImages = 2000, ulong Seed = 0, int BatchSize = 128, VerificationThresholds? Thresholds = null);

/// <summary>
/// Ownership verification (reference-spec §2.5): load the suspect's deployment weights into the owner's passport
/// model and check (1) the signature in sign(GAP(W * P_gamma)) with the owner's passports, (2) the accuracy of the
/// owner's private branch against (3) random passports, and (4) for V3 the trigger-set accuracy of the deployment.
/// </summary>
public static class OwnershipVerifier
{
    /// <param name="progress">Hears (phase, done, total) during the evaluations.</param>
    public static VerificationReport Verify(Module deployment, ModelDescription description, OwnerSecrets owner, VerificationOptions options,
        string source, Action<string, int, int>? progress = null)
    {
        if (description.Arch != owner.Arch)
            throw new InvalidDataException($"{source} is a {description.Arch}; the owner's model is a {owner.Arch}.");
        if (description.NumClasses != owner.NumClasses)
            throw new InvalidDataException($"{source} has {description.NumClasses} classes; the owner's model has {owner.NumClasses}.");
        var model = owner.CreateModel();
        DeploymentExport.LoadPlain(model, deployment.StateDict(), owner.Private, source);

        double Accuracy(IBranchedModel m, Branch branch, IImageDataset data, string phase) =>
            Evaluation.Accuracy(m, branch, data, options.TestAugmentation, options.BatchSize, (d, t) => progress?.Invoke(phase, d, t));

        double deploymentAccuracy = Accuracy(new PlainModel(deployment), Branch.Deployment, options.Test, "deployment accuracy");
        double verificationAccuracy = Accuracy(model, Branch.Verification, options.Test, "verification accuracy");
        var layers = Detect(model);
        double? trigger = options.Trigger is null ? null : Accuracy(new PlainModel(deployment), Branch.Deployment, options.Trigger, "trigger accuracy");

        // Baseline: random U(-1, 1) passports of the same shapes, as a forger without the owner's would use.
        var fakes = new List<double>();
        var subset = new Subset(options.Test, Math.Min(options.FakeImages, options.Test.Count));
        var rng = new Rng(options.Seed ^ 0xFA4E_5EEDUL);
        for (int d = 0; d < options.FakeDraws; d++)
        {
            model.SetPassports(owner.Keys.Select(k => k.WithPassports(
                Tensor.Rand(rng, -1, 1, k.PassportBeta.Shape), Tensor.Rand(rng, -1, 1, k.PassportGamma.Shape))).ToList());
            fakes.Add(Accuracy(model, Branch.Verification, subset, $"random passports {d + 1}/{options.FakeDraws}"));
        }
        model.SetPassports(owner.Keys);
        return new VerificationReport(owner.Scheme.ToString().ToLowerInvariant(), deploymentAccuracy, verificationAccuracy, layers, trigger,
            fakes, subset.Count, options.Thresholds ?? new VerificationThresholds());
    }

    /// <summary>Per layer, how many signs of the value that carries the signature (<see cref="PassportLayer.SignScale"/>:
    /// DeepIPR and PAN GAP(W * P_gamma), SP GAP(W * P_gamma) * gamma_t) match the signature, as training measures it.</summary>
    public static IReadOnlyList<LayerDetection> Detect(PassportModel model)
    {
        using var _ = NoGrad.Scope();
        return model.PassportLayers.Select(p =>
        {
            var gamma = p.Block.SignScale().Data;
            int match = 0;
            for (int i = 0; i < gamma.Length; i++) if (MathF.Sign(gamma[i]) == p.Block.Signature[i]) match++;
            return new LayerDetection(p.Path, gamma.Length, match);
        }).ToList();
    }

    /// <summary>The first <c>count</c> images of a data set.</summary>
    private sealed class Subset(IImageDataset inner, int count) : IImageDataset
    {
        public int Count => count;
        public int ClassCount => inner.ClassCount;
        public int Channels => inner.Channels;
        public int Height => inner.Height;
        public int Width => inner.Width;
        public int Label(int i) => inner.Label(i);
        public void CopyImage(int i, Span<float> dst) => inner.CopyImage(i, dst);
    }
}
