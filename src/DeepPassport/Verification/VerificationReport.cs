namespace DeepPassport.Verification;

/// <summary>
/// When ownership counts as shown: the signature is detected (mean detection at least <see cref="MinDetection"/>
/// and a binomial p-value at most <see cref="MaxPValue"/>), and the owner's passports make the model work
/// (verification accuracy above the random-passport accuracy by at least <see cref="MinAccuracyGap"/>).
/// </summary>
public sealed record VerificationThresholds(double MinDetection = 0.95, double MaxPValue = 1e-6, double MinAccuracyGap = 0.05);

/// <summary>How many of a layer's signature bits the suspect's weights carry with the owner's passport.</summary>
public sealed record LayerDetection(string Path, int Bits, int Matching)
{
    public double Detection => Bits == 0 ? 1 : (double)Matching / Bits;
}

/// <summary>The outcome of an ownership verification (reference-spec §2.5), with the numbers behind the verdict.</summary>
public sealed record VerificationReport(
    string Scheme,
    double DeploymentAccuracy,
    double VerificationAccuracy,
    IReadOnlyList<LayerDetection> Layers,
    double? TriggerAccuracy,
    IReadOnlyList<double> FakePassportAccuracies,
    int FakePassportImages,
    VerificationThresholds Thresholds)
{
    public int Bits => Layers.Sum(l => l.Bits);
    public int MatchingBits => Layers.Sum(l => l.Matching);

    /// <summary>Mean over layers of the per-layer detection (the papers' model-level value).</summary>
    public double SignatureDetection => Layers.Count == 0 ? 0 : Layers.Average(l => l.Detection);

    /// <summary>Fraction of all signature bits that do not match.</summary>
    public double BitErrorRate => Bits == 0 ? 1 : 1 - (double)MatchingBits / Bits;

    public double Log10PValue => BinomialTest.Log10UpperTail(Bits, MatchingBits);
    public double PValue => Math.Pow(10, Log10PValue);

    public double FakePassportAccuracyMean => FakePassportAccuracies.Count == 0 ? double.NaN : FakePassportAccuracies.Average();
    public double FakePassportAccuracyMax => FakePassportAccuracies.Count == 0 ? double.NaN : FakePassportAccuracies.Max();

    /// <summary>Each criterion with whether it held, in words.</summary>
    public IReadOnlyList<(string Check, bool Passed)> Checks =>
    [
        ($"signature detection {SignatureDetection:P1} >= {Thresholds.MinDetection:P0}", SignatureDetection >= Thresholds.MinDetection),
        ($"p-value 1e{Log10PValue:F1} <= {Thresholds.MaxPValue:G2}", Log10PValue <= Math.Log10(Thresholds.MaxPValue)),
        ($"verification accuracy {VerificationAccuracy:P1} >= random passports {FakePassportAccuracyMean:P1} + {Thresholds.MinAccuracyGap:P0}",
            FakePassportAccuracies.Count == 0 || VerificationAccuracy >= FakePassportAccuracyMean + Thresholds.MinAccuracyGap),
    ];

    public bool Owned => Checks.All(c => c.Passed);
    public string Verdict => Owned ? "owned" : "not_shown";
}
