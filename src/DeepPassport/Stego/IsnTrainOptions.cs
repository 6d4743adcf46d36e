namespace DeepPassport.Stego;

/// <summary>
/// How to train an ISN (reference-spec §4.2.4, scaled to a 2-core CPU: the defaults are the run measured in docs/licensing.md). Loss = <see cref="RevealWeight"/>·MSE(revealed,
/// secret) + <see cref="GuideWeight"/>·MSE(stego, cover) + <see cref="LowWeight"/>·MSE(LL(stego), LL(cover)) + the wrong-key term; Adam with
/// betas (0.5, 0.999), eps 1e-6, weight decay 1e-5 as the original.
/// </summary>
public sealed record IsnTrainOptions
{
    /// <summary>Crop size S: the ISN works on S x S images (passports and identities are resized to it).</summary>
    public int ImageSize { get; init; } = 32;

    /// <summary>Invertible blocks (SP: 8, HiNet: 16; 4 here: twice the steps in the hour this CPU has, docs/licensing.md).</summary>
    public int Blocks { get; init; } = 4;

    /// <summary>Cover/secret pairs per step (the original batch of 20 holds 10 pairs).</summary>
    public int Pairs { get; init; } = 4;

    /// <summary>Optimisation steps.</summary>
    public int Steps { get; init; } = 11000;   // about an hour on two cores (docs/licensing.md, run 14)

    /// <summary>The peak learning rate; it falls along a cosine to <see cref="FinalLearningRateFraction"/> of itself at the last step.</summary>
    public float LearningRate { get; init; } = 2.5e-4f;

    /// <summary>The learning rate at the last step as a fraction of <see cref="LearningRate"/> (1 keeps it constant).</summary>
    public float FinalLearningRateFraction { get; init; } = 0.05f;

    /// <summary>The scheduled rate at <paramref name="step"/> (1-based): lr·(f + (1 − f)·(1 + cos(π(step − 1)/steps))/2).</summary>
    public float LearningRateAt(int step)
    {
        double f = FinalLearningRateFraction, t = (double)(step - 1) / Steps;
        return (float)(LearningRate * (f + (1 - f) * 0.5 * (1 + Math.Cos(Math.PI * t))));
    }
    public float RevealWeight { get; init; } = 5f;
    public float GuideWeight { get; init; } = 1f;
    public float LowWeight { get; init; } = 1f;

    /// <summary>
    /// How each reconstruction term (reveal, stego, low band) weighs the pairs of a step: (mean_i MSE_i^p)^(1/p), the
    /// p-mean of the pairs' MSEs. 1 is the plain MSE of the batch (the original); a larger p gives each pair a weight
    /// MSE_i^(p−1) relative to the others, so the pairs the ISN does worst on count more. Why: the hardest identities
    /// (detailed photos) stay 3-4 dB under the mean (docs/licensing.md, runs 16-21). Measured with p = 2 (run 22): the
    /// gap did not narrow and the loss spiked more, so the default stays 1.
    /// </summary>
    public float SamplePower { get; init; } = 1f;

    /// <summary>
    /// Weight of the wrong-key term mean_i relu(<see cref="WrongKeyMse"/> − MSE(reveal(stego_i, wrong key_i), secret_i)) (each
    /// pair's wrong key held to the margin on its own), 0 to train as the
    /// original. Without it nothing makes a wrong key fail: the ISN learns to reveal whatever the key (measured: a wrong
    /// texture revealed the identity at 27 dB, the genuine key at 28 dB).
    /// </summary>
    public float WrongKeyWeight { get; init; } = 1f;

    /// <summary>Whether crops of the key's own texture (another scale and place) are among the wrong keys, beside other
    /// photos' crops and noise: the hardest wrong keys there are.</summary>
    public bool KeyTextureWrongKeys { get; init; } = true;

    /// <summary>Whether wrong keys blended with the key itself (<see cref="IsnTrainer.NearKey"/>) are among the wrong keys:
    /// the reveal must fail for keys near the key, not only for keys far from it.</summary>
    public bool NearKeyWrongKeys { get; init; } = true;

    /// <summary>Whether the key shifted, turned or recoloured (<see cref="IsnTrainer.KeyVariant"/>) is among the wrong keys:
    /// the reveal must follow the key's pixels, not only its colours and look.</summary>
    public bool KeyVariantWrongKeys { get; init; } = true;

    /// <summary>The least share α of the other image in a near-key blend (1 − α)·key + α·other: the smaller, the closer to
    /// the key a wrong key gets.</summary>
    public float NearKeyMinBlend { get; init; } = IsnTrainer.DefaultNearKeyMinBlend;

    /// <summary>
    /// Textures the owner knows are not the key (a texture library such as DTD): random crops of them are among the wrong
    /// keys. The ISN tells keys apart by their look, so a look it was never shown as wrong may reveal (measured: DTD
    /// braided, crosshatched and cobwebbed textures reached 16-22 dB with none of these); empty: photos, noise, flat
    /// images, synthetic textures and the key's own texture only.
    /// </summary>
    public IReadOnlyList<Engine.Imaging.Image> WrongKeyTextures { get; init; } = [];

    /// <summary>
    /// The one cover this ISN will ever hide in (the SP owner passport p_o, reference-spec §4.3), or null to hide in random
    /// photo crops. Every user-side passport is p_o with an identity hidden in it, so an ISN trained on p_o alone knows
    /// the background it hides in: the reveal need not tell the cover's detail from the payload.
    /// </summary>
    public Engine.Imaging.Image? Cover { get; init; }

    /// <summary>The MSE a wrong key's reveal must at least reach: 0.05 is a PSNR of 13 dB.</summary>
    public float WrongKeyMse { get; init; } = 0.05f;

    /// <summary>Validation (PSNR of stego and revealed images on held-out pairs) and checkpoint every this many steps.</summary>
    public int ValidateEvery { get; init; } = 100;

    /// <summary>The gradient norm is capped at this many times the median of the last 50 norms (0: no clipping).</summary>
    public float ClipFactor { get; init; } = 3f;

    /// <summary>A reconstruction loss (all but the bounded wrong-key term) above this many times the median of the last 50 is
    /// a spike (skipped, and the update before it undone; two in a row or ten in 50 steps roll back).</summary>
    public float SpikeFactor { get; init; } = 20f;

    /// <summary>Blow-ups tolerated (each rolls back and halves the learning rate) before training gives up.</summary>
    public int MaxRollbacks { get; init; } = 6;

    /// <summary>
    /// After a roll-back, the learning rate grows back by 2^(1/N) each step until it is back on its schedule: a halving is
    /// undone over N steps. 0 (the default): a halved rate stays halved for the rest of the run. Why: run 18 rolled back
    /// four times in its first 2,800 steps and trained the other 8,000 at a sixteenth of its rate.
    /// </summary>
    public int LrRecoverSteps { get; init; }

    public ulong Seed { get; init; }

    /// <summary>Checks every field; the message names the option.</summary>
    public void Validate()
    {
        if (ImageSize is < 16 or > 1024 || ImageSize % 2 != 0) throw new ArgumentException($"--size {ImageSize}: the crop size must be even and in [16, 1024].");
        if (Blocks is < 1 or > 64) throw new ArgumentException($"--blocks {Blocks}: an ISN has 1 to 64 invertible blocks.");
        if (Pairs < 1) throw new ArgumentException($"--pairs {Pairs}: at least one cover/secret pair per step.");
        if (Steps < 1) throw new ArgumentException($"--steps {Steps} must be positive.");
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate)) throw new ArgumentException($"--lr {LearningRate} must be a positive number.");
        if (!(FinalLearningRateFraction is > 0 and <= 1)) throw new ArgumentException($"--lr-final {FinalLearningRateFraction} must be in (0, 1]: the last step's learning rate as a fraction of --lr.");
        if (LrRecoverSteps < 0) throw new ArgumentException($"--lr-recover-steps {LrRecoverSteps} must be 0 (off) or a number of steps.");
        if (!(ClipFactor >= 0) || float.IsInfinity(ClipFactor)) throw new ArgumentException($"--clip-factor {ClipFactor} must be a non-negative number (0 turns clipping off).");
        if (ValidateEvery < 1) throw new ArgumentException($"--validate-every {ValidateEvery} must be positive.");
        foreach (var (name, weight) in new[] { ("--reveal-weight", RevealWeight), ("--guide-weight", GuideWeight), ("--low-weight", LowWeight) })
            if (!(weight >= 0) || float.IsInfinity(weight)) throw new ArgumentException($"{name} {weight} must be a non-negative number.");
        if (!(SamplePower is >= 1 and <= 8)) throw new ArgumentException($"--sample-power {SamplePower} must be in [1, 8]: 1 weighs every pair alike, larger weighs the worst pairs more.");
        if (RevealWeight == 0) throw new ArgumentException("--reveal-weight 0: without the reveal term the ISN never learns to reveal.");
        if (!(NearKeyMinBlend is > 0 and < 1)) throw new ArgumentException($"--near-key-blend {NearKeyMinBlend} must be in (0, 1): the least share of another image in a wrong key blended with the key.");
        if (!(WrongKeyMse is > 0 and <= 1)) throw new ArgumentException($"--wrong-key-mse {WrongKeyMse} must be in (0, 1]: the MSE (images in [0, 1]) a wrong key's reveal must reach.");
    }
}
