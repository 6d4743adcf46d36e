using DeepPassport.Engine.Imaging;
using DeepPassport.Engine.Nn;
using DeepPassport.Engine.Tensors;
using DeepPassport.Stego;
using DeepPassport.Cli.Commands;
using DeepPassport.Training;

namespace DeepPassport.Tests.Stego;

public class IsnTests
{
    /// <summary>An ISN whose sub-networks all do something (fresh ones start as the identity: conv5 is zero), every weight N(0, 0.02²).</summary>
    private static Isn Scrambled(int blocks, ulong seed)
    {
        var isn = new Isn(blocks, new Rng(seed));
        var rng = new Rng(seed + 1);
        foreach (var (_, p) in isn.NamedParameters()) rng.FillNormal(p.Value.Data, 0f, 0.02f);
        return isn;
    }

    [Fact]
    public void ReverseUndoesForwardOnRandomInputs()
    {
        var isn = Scrambled(3, 1);
        var x = Tensor.Randn(new Rng(2), 2, 24, 6, 8);
        using var _ = NoGrad.Scope();
        var y = isn.Forward(x);
        float change = y.Data.Zip(x.Data).Max(p => MathF.Abs(p.First - p.Second));
        Assert.True(change > 0.1f, $"the scrambled ISN should change its input, max change {change}");
        var back = isn.Reverse(y);
        float err = back.Data.Zip(x.Data).Max(p => MathF.Abs(p.First - p.Second));
        Assert.True(err < 1e-5f, $"max |reverse(forward(x)) - x| = {err}");
    }

    [Fact]
    public void HideThenRevealWithTheForwardHalfRecoversTheSecret()
    {
        // With the z the forward pass produced (not the key), the reverse pass is exact.
        var isn = Scrambled(2, 3);
        var rng = new Rng(4);
        var cover = Tensor.Rand(rng, 0, 1, 1, 3, 8, 8);
        var secret = Tensor.Rand(rng, 0, 1, 1, 3, 8, 8);
        using var _ = NoGrad.Scope();
        var y = isn.Forward(Tensor.Cat([F.HaarDwt(cover), F.HaarDwt(secret)], 1));
        var x = isn.Reverse(y);
        var revealed = F.HaarIwt(x.Narrow(1, Isn.StreamChannels, Isn.StreamChannels));
        Assert.True(revealed.Data.Zip(secret.Data).Max(p => MathF.Abs(p.First - p.Second)) < 1e-5f);
    }

    [Fact]
    public void AFreshIsnIsTheIdentity()
    {
        var isn = new Isn(8, new Rng(5));
        var rng = new Rng(6);
        var cover = Tensor.Rand(rng, 0, 1, 2, 3, 8, 8);
        using var _ = NoGrad.Scope();
        var (_, stego) = isn.Hide(cover, Tensor.Rand(rng, 0, 1, 2, 3, 8, 8));
        Assert.True(stego.Data.Zip(cover.Data).Max(p => MathF.Abs(p.First - p.Second)) < 1e-6f);
    }

    [Fact]
    public void GradientsFlowThroughHideAndReveal()
    {
        var isn = Scrambled(1, 7);
        var rng = new Rng(8);
        var loss = new IsnTrainer(new IsnTrainOptions { Pairs = 1 }).Loss(isn, Tensor.Rand(rng, 0, 1, 1, 3, 4, 4), Tensor.Rand(rng, 0, 1, 1, 3, 4, 4), Tensor.Rand(rng, 0, 1, 1, 3, 4, 4));
        loss.Backward();
        Assert.All(isn.NamedParameters(), np => Assert.True(np.Parameter.Grad is not null && np.Parameter.Grad.Data.Any(g => g != 0), np.Name));
    }

    [Fact]
    public void TheWrongKeyTermPenalisesAWrongKeyThatReveals()
    {
        // A fresh ISN is the identity: revealing returns the key itself. Used as the "wrong key", the secret is revealed
        // exactly (MSE 0), so the term adds its whole margin; a wrong key far from the secret adds nothing.
        var isn = new Isn(2, new Rng(1));
        var rng = new Rng(2);
        Tensor cover = Tensor.Rand(rng, 0, 1, 1, 3, 8, 8), secret = Tensor.Rand(rng, 0, 1, 1, 3, 8, 8), key = Tensor.Rand(rng, 0, 1, 1, 3, 8, 8);
        var trainer = new IsnTrainer(new IsnTrainOptions { WrongKeyMse = 0.05f, WrongKeyWeight = 2f });
        using var _ = NoGrad.Scope();
        float plain = trainer.Loss(isn, cover, secret, key).Data[0];
        Assert.Equal(plain + 2f * 0.05f, trainer.Loss(isn, cover, secret, key, wrongKey: secret).Data[0], 5);
        Assert.Equal(plain, trainer.Loss(isn, cover, secret, key, wrongKey: Tensor.Full(5f, 1, 3, 8, 8)).Data[0], 5);
        // Two pairs, one wrong key that reveals and one far away: the margin holds for each pair's wrong key on its own,
        // so the far one does not pay for the one that reveals (on the batch's mean MSE the term would be 0).
        Tensor Two(Tensor a, Tensor b) => Tensor.Cat([a, b], 0);
        float plain2 = trainer.Loss(isn, Two(cover, cover), Two(secret, secret), Two(key, key)).Data[0];
        Assert.Equal(plain2 + 2f * 0.05f / 2, trainer.Loss(isn, Two(cover, cover), Two(secret, secret), Two(key, key), wrongKey: Two(secret, Tensor.Full(5f, 1, 3, 8, 8))).Data[0], 5);
    }

    [Fact]
    public void TheSamplePowerWeighsTheWorstPairMore()
    {
        // A fresh ISN hides nothing (stego = cover) and reveals the key, so the loss is 5·(p-mean of MSE(key_i, secret_i)).
        var isn = new Isn(2, new Rng(1));
        var rng = new Rng(3);
        Tensor cover = Tensor.Rand(rng, 0, 1, 2, 3, 8, 8), secret = Tensor.Rand(rng, 0, 1, 2, 3, 8, 8);
        var key = Tensor.Cat([secret.Slice(0, 1) + 0.05f, Tensor.Rand(rng, 0, 1, 1, 3, 8, 8)], 0);   // pair 0 near, pair 1 far
        var squared = new IsnTrainer(new IsnTrainOptions { WrongKeyWeight = 0, SamplePower = 2 });
        // Where every pair is met exactly (a fresh ISN's stego is its cover) the root's derivative must not make a NaN.
        squared.Loss(isn, cover, secret, key).Backward();
        Assert.All(isn.Parameters(), p => Assert.True(p.Grad!.Data.All(float.IsFinite)));
        using var _ = NoGrad.Scope();
        var plain = new IsnTrainer(new IsnTrainOptions { WrongKeyWeight = 0 });
        float m0 = plain.Loss(isn, cover.Slice(0, 1), secret.Slice(0, 1), key.Slice(0, 1)).Data[0] / 5f;
        float m1 = plain.Loss(isn, cover.Slice(1, 1), secret.Slice(1, 1), key.Slice(1, 1)).Data[0] / 5f;
        Assert.Equal(0.0025f, m0, 5);
        Assert.Equal(5f * (m0 + m1) / 2, plain.Loss(isn, cover, secret, key).Data[0], 5);
        Assert.Equal(5f * MathF.Sqrt((m0 * m0 + m1 * m1) / 2), squared.Loss(isn, cover, secret, key).Data[0], 4);
    }

    [Fact]
    public void WrongShapesAreClearErrors()
    {
        var isn = new Isn(1, new Rng(9));
        var e = Assert.Throws<ArgumentException>(() => isn.Hide(new Tensor(1, 3, 7, 8), new Tensor(1, 3, 7, 8)));
        Assert.Contains("even", e.Message);
        e = Assert.Throws<ArgumentException>(() => isn.Reveal(new Tensor(1, 3, 8, 8), new Tensor(1, 3, 6, 6)));
        Assert.Contains("same shape", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Isn(0, new Rng(1)));
    }

    private static List<Image> Noise(int n, int size, ulong seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, n).Select(_ => TestPhotos.Photo(size, size, rng)).ToList();
    }

    [Fact]
    public void ShortTrainingLearnsToRevealAndCheckpointsTheBest()
    {
        var options = new IsnTrainOptions { ImageSize = 16, Blocks = 2, Pairs = 2, Steps = 60, ValidateEvery = 20, LearningRate = 1e-3f, Seed = 1 };
        var trainer = new IsnTrainer(options);
        var images = Noise(8, 24, 10);
        var key = Noise(1, 16, 11)[0];
        var reports = new List<IsnProgress>();
        int checkpoints = 0;
        var bundle = trainer.Train(images, Noise(4, 16, 12), key, new SyncProgress<IsnProgress>(reports.Add), (_, _) => checkpoints++);
        var validations = reports.Where(r => r.RevealPsnr is not null).ToList();
        Assert.Equal(3, validations.Count);
        Assert.True(checkpoints >= 1);
        // A fresh ISN "reveals" the key itself: the secret is not in the stego yet. Training must beat that clearly.
        var fresh = new IsnBundle(new Isn(2, new Rng(1)), IsnBundle.PrepareKey(key, 16), 16);
        var val = Noise(4, 16, 12);
        var (_, freshReveal) = IsnTrainer.Validate(fresh.Network, [val[1], val[3]], [val[0], val[2]], fresh.Key);
        var (_, trainedReveal) = IsnTrainer.Validate(bundle.Network, [val[1], val[3]], [val[0], val[2]], bundle.Key);
        Assert.True(trainedReveal > freshReveal + 3, $"revealed PSNR {trainedReveal:F1} dB after training vs {freshReveal:F1} dB fresh");
        Assert.True(reports[^1].Loss < reports[0].Loss);
    }

    [Fact]
    public void TrainingOnOneCoverHidesEverySecretInItAndRecordsItsDigest()
    {
        var cover = Noise(1, 20, 21)[0];
        var options = new IsnTrainOptions { ImageSize = 16, Blocks = 1, Pairs = 2, Steps = 4, ValidateEvery = 2, Seed = 1, Cover = cover };
        var bundle = new IsnTrainer(options).Train(Noise(6, 24, 22), Noise(3, 16, 23), Noise(1, 16, 24)[0]);
        Assert.Equal(IsnBundle.DigestOf(cover, 16), bundle.CoverDigest);
        var (secrets, covers) = IsnTrainer.ValidationPairs(Noise(3, 16, 23), 16, cover);
        Assert.Equal(3, secrets.Count);                                    // every image a secret, not pairs
        Assert.All(covers, c => Assert.Equal(IsnBundle.Fit(cover, 16).Pixels, c.Pixels));
    }

    [Fact]
    public void TheOwnersWrongKeyTexturesAreAmongTheWrongKeys()
    {
        // A solid colour no other kind of wrong key produces: each of the five kinds is drawn about a fifth of the time.
        var texture = new Image(48, 48, 3);
        for (int i = 0; i < texture.Pixels.Length; i++) texture.Pixels[i] = (byte)(i % 3 == 0 ? 200 : i % 3 == 1 ? 10 : 90);
        var photo = new Image(48, 48, 3);
        Array.Fill(photo.Pixels, (byte)128);
        bool IsTexture(Image k) => Enumerable.Range(0, k.Pixels.Length).All(i => k.Pixels[i] == texture.Pixels[i % 3]);
        int Count(List<Image> textures)
        {
            var rng = new Rng(9);
            return Enumerable.Range(0, 500).Count(_ => IsTexture(IsnTrainer.WrongKey(new WrongKeySources([photo], 16) { Textures = textures }, rng)));
        }
        Assert.InRange(Count([texture]), 60, 140);
        Assert.Equal(0, Count([]));
    }

    [Fact]
    public void NearKeyWrongKeysBlendTheKeyWithAnotherWrongKey()
    {
        // The key a solid colour, every other wrong key (noise, flat, synthetic, photo) drawn from a 16x16 grey photo or at random:
        // a blend lies between the two at a share of the other in [NearKeyMinBlend, 1), so it is never the key.
        var key = new Image(16, 16, 3);
        Array.Fill(key.Pixels, (byte)250);
        var other = new Image(16, 16, 3);
        Array.Fill(other.Pixels, (byte)50);
        var rng = new Rng(4);
        for (int t = 0; t < 50; t++)
        {
            var blend = IsnTrainer.NearKey(key, other, rng);
            Assert.All(blend.Pixels, p => Assert.InRange(p, 50, (int)MathF.Round(250 - 200 * IsnTrainer.DefaultNearKeyMinBlend)));
        }
        Assert.Throws<ArgumentException>(() => IsnTrainer.NearKey(key, new Image(8, 8, 3), rng));
        // Drawn among the wrong keys only when the key is given, about one draw in kinds + 1 (here 5 + 1). The key a
        // checkerboard of 0 and 255: a blend keeps it at an amplitude of (1 - alpha)·255, no other kind of wrong key has it.
        var checker = new Image(16, 16, 3);
        for (int i = 0; i < checker.Pixels.Length; i++) checker.Pixels[i] = (byte)(((i / 3) % 16 + (i / 48)) % 2 * 255);
        var photo = new Image(48, 48, 3);
        Array.Fill(photo.Pixels, (byte)128);
        bool NearTheKey(Image k) => Enumerable.Range(0, k.Pixels.Length).Average(i => checker.Pixels[i] == 255 ? k.Pixels[i] : -k.Pixels[i]) > 25;
        int Count(Image? withKey)
        {
            var r = new Rng(11);
            return Enumerable.Range(0, 600).Count(_ => NearTheKey(IsnTrainer.WrongKey(new WrongKeySources([photo], 16) { KeyTexture = photo, BlendWith = withKey }, r)));
        }
        Assert.Equal(0, Count(null));
        Assert.InRange(Count(checker), 40, 160);
    }

    [Fact]
    public void KeyVariantsKeepTheKeysPixelsButAreNotTheKey()
    {
        // A random texture as the key: no variant is nearer to it than 24 dB (PSNR), they are seeded, and there are many
        // different images (shifts, flips, turns, channel orders, grey, contrast, brightness, noise).
        var key = IsnTrainer.SyntheticTexture(16, new Rng(3));
        var rng = new Rng(21);
        var variants = Enumerable.Range(0, 200).Select(_ => IsnTrainer.KeyVariant(key, rng)).ToList();
        Assert.All(variants, v => Assert.InRange(ImageQuality.Psnr(v, key), 0, IsnTrainer.KeyVariantMaxPsnr));
        Assert.True(variants.Select(v => Convert.ToHexString(v.Pixels)).Distinct().Count() > 60);
        var again = new Rng(21);
        Assert.Equal(variants[0].Pixels, IsnTrainer.KeyVariant(key, again).Pixels);
        // The shifts, flips and turns keep the key's pixels (the same multiset of colours); some variant is one of those.
        string Sorted(Image i) => Convert.ToHexString(Enumerable.Range(0, i.Pixels.Length / 3).Select(p => (i.Pixels[3 * p] << 16) | (i.Pixels[3 * p + 1] << 8) | i.Pixels[3 * p + 2]).Order().SelectMany(BitConverter.GetBytes).ToArray());
        Assert.Contains(variants, v => Sorted(v) == Sorted(key));
        // A grey key is its own grey variant: never drawn as one.
        var grey = new Image(16, 16, 3);
        for (int i = 0; i < grey.Pixels.Length; i++) grey.Pixels[i] = key.Pixels[i - i % 3];
        Assert.All(Enumerable.Range(0, 50).Select(_ => IsnTrainer.KeyVariant(grey, rng)), v => Assert.NotEqual(grey.Pixels, v.Pixels));
        // Among the wrong keys only when asked for, about one draw in kinds + 1 (here 5 + 1).
        var photo = new Image(48, 48, 3);
        Array.Fill(photo.Pixels, (byte)128);
        int Count(Image? variantOf)
        {
            var r = new Rng(12);
            return Enumerable.Range(0, 600).Count(_ => Sorted(IsnTrainer.WrongKey(new WrongKeySources([photo], 16) { KeyTexture = photo, VariantOf = variantOf }, r)) == Sorted(key));
        }
        Assert.Equal(0, Count(null));
        Assert.InRange(Count(key), 15, 100);
    }

    [Fact]
    public void SyntheticTexturesAreSeededAndVaried()
    {
        var a = IsnTrainer.SyntheticTexture(32, new Rng(5));
        Assert.Equal(a.Pixels, IsnTrainer.SyntheticTexture(32, new Rng(5)).Pixels);
        var textures = Enumerable.Range(0, 20).Select(i => IsnTrainer.SyntheticTexture(32, new Rng((ulong)(100 + i)))).ToList();
        // Not flat, and no two alike.
        Assert.All(textures, t => Assert.True(t.Pixels.Distinct().Count() > 16));
        for (int i = 0; i < textures.Count; i++)
            for (int j = i + 1; j < textures.Count; j++)
                Assert.True(ImageQuality.Psnr(textures[i], textures[j]) < 30);
    }

    [Fact]
    public void LearningRateFallsAlongACosineToTheFinalFraction()
    {
        var o = new IsnTrainOptions { LearningRate = 1e-3f, FinalLearningRateFraction = 0.1f, Steps = 100 };
        Assert.Equal(1e-3f, o.LearningRateAt(1), 1e-9f);
        Assert.Equal(0.55e-3f, o.LearningRateAt(51), 1e-8f);                 // half way: f + (1 - f) / 2
        Assert.InRange(o.LearningRateAt(100), 1e-4f, 1.01e-4f);
        for (int step = 2; step <= 100; step++) Assert.True(o.LearningRateAt(step) < o.LearningRateAt(step - 1));
        Assert.Equal(1e-3f, new IsnTrainOptions { LearningRate = 1e-3f, FinalLearningRateFraction = 1f }.LearningRateAt(2000), 1e-9f);
        var e = Assert.Throws<ArgumentException>(() => (o with { FinalLearningRateFraction = 0f }).Validate());
        Assert.Contains("--lr-final", e.Message);
        e = Assert.Throws<ArgumentException>(() => (o with { ClipFactor = -1f }).Validate());
        Assert.Contains("--clip-factor", e.Message);
        e = Assert.Throws<ArgumentException>(() => (o with { LrRecoverSteps = -1 }).Validate());
        Assert.Contains("--lr-recover-steps", e.Message);
    }

    [Fact]
    public void BlowUpsRollBackThenGiveUp()
    {
        var options = new IsnTrainOptions { ImageSize = 16, Blocks = 1, Pairs = 1, Steps = 40, ValidateEvery = 1000, LearningRate = 1e6f, MaxRollbacks = 2, Seed = 2 };
        var reports = new List<IsnProgress>();
        var e = Assert.Throws<TrainingDivergedException>(() => new IsnTrainer(options).Train(Noise(4, 20, 3), Noise(2, 16, 4), Noise(1, 16, 5)[0], new SyncProgress<IsnProgress>(reports.Add)));
        Assert.Contains("--lr", e.Message);
        Assert.Equal(2, reports.Count(r => r.Message?.Contains("rolled back") == true));
    }

    /// <summary>A spike undoes the last update: the undo names the step that made it, and a spike with no update since the last undo rolls back.</summary>
    [Fact]
    public void ASpikeUndoesTheUpdateBeforeIt()
    {
        // A spike factor of 1.05 makes every loss 5 % above the recent median a spike: many spikes, none a real blow-up.
        var options = new IsnTrainOptions { ImageSize = 16, Blocks = 1, Pairs = 1, Steps = 150, ValidateEvery = 1000, SpikeFactor = 1.05f, MaxRollbacks = 1000, WrongKeyWeight = 0, Seed = 4 };
        var reports = new List<IsnProgress>();
        new IsnTrainer(options).Train(Noise(6, 24, 40), Noise(2, 16, 41), Noise(1, 16, 42)[0], new SyncProgress<IsnProgress>(reports.Add));
        int lastUpdate = 0, undone = 0;
        foreach (var r in reports)
        {
            if (r.Message is null) { lastUpdate = r.Step; continue; }
            var m = System.Text.RegularExpressions.Regex.Match(r.Message, @"step (\d+)'s update undone");
            if (m.Success)
            {
                Assert.Equal(lastUpdate, int.Parse(m.Groups[1].Value));
                undone++;
            }
            else Assert.Contains("rolled back", r.Message);   // a spike with nothing to undo is a blow-up
            if (r.Message.Contains("undone") || r.Message.Contains("rolled back")) lastUpdate = 0;
        }
        Assert.True(undone > 0, "no spike undid an update");
        Assert.Contains(reports, r => r.Message?.Contains("rolled back") == true);
    }

    /// <summary>The wrong-key term is bounded and fires for some keys only: however large its weight, it is never taken for a blow-up.</summary>
    [Fact]
    public void AWrongKeyThatRevealsIsNotASpike()
    {
        var options = new IsnTrainOptions { ImageSize = 16, Blocks = 1, Pairs = 1, Steps = 150, ValidateEvery = 1000, WrongKeyWeight = 1000f, Seed = 3 };
        var reports = new List<IsnProgress>();
        new IsnTrainer(options).Train(Noise(6, 24, 30), Noise(2, 16, 31), Noise(1, 16, 32)[0], new SyncProgress<IsnProgress>(reports.Add));
        Assert.DoesNotContain(reports, r => r.Message is not null);
        Assert.Equal(150, reports[^1].Step);
    }

    [Fact]
    public void BundleRoundTripsAndRejectsForeignFiles()
    {
        var bundle = new IsnBundle(Scrambled(2, 13), IsnBundle.PrepareKey(Noise(1, 40, 14)[0], 16), 16);
        var dir = Path.Combine(Path.GetTempPath(), "dp-isn-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            bundle.Save(dir);
            var back = IsnBundle.Load(dir);
            Assert.Equal(2, back.Network.BlockCount);
            Assert.Equal(bundle.Key.Pixels, back.Key.Pixels);
            var cover = Noise(1, 16, 15)[0]; var secret = Noise(1, 16, 16)[0];
            Assert.Equal(bundle.Network.HideImage(cover, secret).Pixels, back.Network.HideImage(cover, secret).Pixels);
            Assert.Null(back.CoverDigest);

            // An ISN trained on one cover keeps that cover's digest and refuses others.
            (bundle with { CoverDigest = IsnBundle.DigestOf(cover, 16) }).Save(dir);
            back = IsnBundle.Load(dir);
            Assert.Null(back.CoverMismatch(cover));
            Assert.Contains("another owner passport", back.CoverMismatch(secret));
            var meta = Engine.IO.StateDictFile.FromBytes(File.ReadAllBytes(Path.Combine(dir, IsnBundle.WeightsFile)), "x");
            var badMeta = new Dictionary<string, string>(meta.Metadata) { ["cover_sha256"] = "not-hex" };
            File.WriteAllBytes(Path.Combine(dir, IsnBundle.WeightsFile), Engine.IO.StateDictFile.ToBytes(meta.State, badMeta));
            Assert.Contains("cover_sha256", Assert.Throws<InvalidDataException>(() => IsnBundle.Load(dir)).Message);

            File.WriteAllBytes(Path.Combine(dir, IsnBundle.WeightsFile), Engine.IO.StateDictFile.ToBytes(new StateDict(), new Dictionary<string, string> { ["format"] = "other" }));
            var e = Assert.Throws<InvalidDataException>(() => IsnBundle.Load(dir));
            Assert.Contains(IsnBundle.WeightsFile, e.Message);
            File.Delete(Path.Combine(dir, IsnBundle.KeyFile));
            Assert.Throws<InvalidDataException>(() => IsnBundle.Load(dir));
        }
        finally { Directory.Delete(dir, true); }
    }
}
