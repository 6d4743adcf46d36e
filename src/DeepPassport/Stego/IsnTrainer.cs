using DeepPassport.Engine.Imaging;
using DeepPassport.Engine.Optim;
using DeepPassport.Engine.Tensors;
using DeepPassport.Training;

namespace DeepPassport.Stego;

/// <summary>
/// Trains an ISN to hide one image in another and reveal it with the key (reference-spec §4.2.4). Each step draws
/// 2·pairs random crops (with random horizontal and vertical flips) from the training images: the first half are the
/// secrets, the second half the covers (or, given <see cref="IsnTrainOptions.Cover"/>, pairs secrets all hidden in that cover). The learning rate falls along a cosine (<see cref="IsnTrainOptions.LearningRateAt"/>).
/// Four things the original lacks (besides training on the one cover an owner hides in, <see cref="IsnTrainOptions.Cover"/>):
/// <list type="bullet">
/// <item>the stego is rounded to 8 bits before it is revealed (straight through: the rounding error is added as a
/// constant), because a user-side passport is shipped as an 8-bit PNG and must still reveal;</item>
/// <item>a wrong-key term (<see cref="IsnTrainOptions.WrongKeyWeight"/>): revealing with another photo's crop, with
/// noise, with a near-flat image or with a crop of the key's own texture must stay at least <see cref="IsnTrainOptions.WrongKeyMse"/> away from
/// the secret, so only the genuine key reveals;</item>
/// <item>gradient clipping at <see cref="IsnTrainOptions.ClipFactor"/> times the median of the recent gradient norms;</item>
/// <item>a guard against the blow-ups the HiNet authors report: a loss above <see cref="IsnTrainOptions.SpikeFactor"/>
/// times the median of the last 50 is a spike: its update is skipped and the update before it undone (weights and
/// Adam's moments), since one update can break the reveal; a NaN/infinite loss, a spike the undo did not cure (two in a
/// row) or a tenth within 50 steps rolls the weights back to the last validated state and halves the learning rate.
/// Every event is reported.</item>
/// </list>
/// </summary>
public sealed class IsnTrainer(IsnTrainOptions options)
{
    private const int RecentLosses = 50, SpikesToRollBack = 10;
    /// <summary>A validated state more than this below the best so far (the lower of its two PSNRs) is not one to roll back to.</summary>
    private const double GoodStateMarginDb = 3;

    public IsnTrainOptions Options { get; } = options;

    /// <summary>
    /// Trains on <paramref name="images"/>, measures on <paramref name="validation"/> (consecutive images pair up as
    /// secret, cover) and calls <paramref name="checkpoint"/> after each validation that is the best so far (by the lower
    /// of the two PSNRs). Returns the best network.
    /// </summary>
    public IsnBundle Train(IReadOnlyList<Image> images, IReadOnlyList<Image> validation, Image key,
        IProgress<IsnProgress>? progress = null, Action<IsnBundle, IsnProgress>? checkpoint = null, CancellationToken cancel = default)
    {
        Options.Validate();
        if (images.Count < 2) throw new ArgumentException($"ISN training needs at least 2 training images, got {images.Count}.");
        if (validation.Count < 2) throw new ArgumentException($"ISN training needs at least 2 validation images, got {validation.Count}.");
        int s = Options.ImageSize, pairs = Options.Pairs;
        var rng = new Rng(Options.Seed);
        var isn = new Isn(Options.Blocks, rng.Fork());
        var keyImage = IsnBundle.PrepareKey(key, s);
        var keyBatch = Repeat(ToBatch([keyImage]), pairs);
        // Crops come from the image at 1.5x the working size, close to the whole-image view used at issuing time.
        var pool = images.Select(i => ImageResize.ShorterSide(ImageOps.ToRgb(i), s + s / 2)).ToList();
        // The key's own texture at twice the working size: its crops look like the key and are not the key.
        var keyTexture = ImageResize.ShorterSide(ImageOps.ToRgb(key), 2 * s);
        var wrongKeys = new WrongKeySources(pool, s)
        {
            KeyTexture = Options.KeyTextureWrongKeys ? keyTexture : null,
            Textures = Options.WrongKeyTextures.Select(t => ImageResize.ShorterSide(ImageOps.ToRgb(t), 2 * s)).ToList(),
            BlendWith = Options.NearKeyWrongKeys ? keyImage : null,
            NearKeyMinBlend = Options.NearKeyMinBlend,
            VariantOf = Options.KeyVariantWrongKeys ? keyImage : null,
        };
        var fixedCover = Options.Cover is { } c ? IsnBundle.Fit(c, s) : null;
        string? coverDigest = fixedCover is null ? null : IsnBundle.DigestOf(fixedCover, s);
        var (valSecret, valCover) = ValidationPairs(validation, s, fixedCover);
        var coverBatch = fixedCover is null ? null : Repeat(ToBatch([fixedCover]), pairs);

        var parameters = isn.Parameters().ToList();
        float lrScale = 1f;   // halved by every roll-back
        var adam = NewAdam(parameters, Options.LearningRate);
        // The last validated state, to roll back to (its weights; a roll-back starts Adam afresh).
        var good = new AdamState();
        adam.SaveState(good);
        int goodStep = 0, rollbacks = 0;
        // The weights and Adam's moments before the last update, to undo it (lastUpdate 0: nothing to undo).
        var previous = new AdamState();
        int lastUpdate = 0;
        var recent = new Queue<float>();
        var recentNorms = new Queue<float>();
        var spikes = new Queue<int>();
        double best = double.NegativeInfinity;
        IsnBundle? bestBundle = null;

        for (int step = 1; step <= Options.Steps; step++)
        {
            cancel.ThrowIfCancellationRequested();
            // The step's tensors borrow pooled storage and give it back when the step ends (skipped steps too).
            using var scope = TensorScope.Begin();
            float lr = adam.LearningRate = lrScale * Options.LearningRateAt(step);
            var batch = ToBatch(Enumerable.Range(0, coverBatch is null ? 2 * pairs : pairs).Select(_ => Augment(pool[rng.NextInt(pool.Count)], s, rng)).ToList());
            var secret = batch.Slice(0, pairs);
            var cover = coverBatch ?? batch.Slice(pairs, pairs);
            adam.ZeroGrad();
            var wrong = Options.WrongKeyWeight == 0 ? null : ToBatch(Enumerable.Range(0, pairs).Select(_ => WrongKey(wrongKeys, rng)).ToList());
            var (loss, wrongKeyTerm) = LossParts(isn, cover, secret, keyBatch, wrong);
            float value = loss.Data[0];
            // Spikes are judged on the reconstruction terms alone: the wrong-key hinge is bounded (at most
            // WrongKeyWeight·WrongKeyMse) and, once those terms are small, one wrong key that reveals lifted the loss 20-fold
            // (measured: three roll-backs in a run, each halving the learning rate, with nothing blowing up).
            float reconstruction = value - wrongKeyTerm;
            bool spike = float.IsFinite(value) && recent.Count == RecentLosses && reconstruction > Options.SpikeFactor * Median(recent);
            if (spike)
            {
                // One ordinary update can carry the weights over an edge where the reveal breaks (measured, run 18's seed:
                // after step 471's update, its largest weight change 0.0017, the held-out reveal fell from 21 to 12 dB,
                // while the weights before it met step 472's batch at the usual loss). Undo that update and skip this one.
                // A spike with no update to undo (the undo did not help), or spikes at every few steps (the rate is too
                // high for the edge), is a blow-up: roll back below.
                while (spikes.Count > 0 && spikes.Peek() <= step - RecentLosses) spikes.Dequeue();
                spikes.Enqueue(step);
                if (lastUpdate > 0 && spikes.Count < SpikesToRollBack)
                {
                    adam.LoadState(previous);
                    progress?.Report(new IsnProgress(step, Options.Steps, value, lr)
                        { Message = $"step {step}: loss {value:G4} is a spike ({spikes.Count} in the last {RecentLosses} steps); update skipped, step {lastUpdate}'s update undone" });
                    lastUpdate = 0;
                    continue;
                }
            }
            if (!float.IsFinite(value) || spike)
            {
                spikes.Clear();
                if (++rollbacks > Options.MaxRollbacks)
                    throw new TrainingDivergedException($"ISN training blew up {rollbacks} times (last at step {step}, loss {value}); giving up. Lower --lr (started at {Options.LearningRate}).");
                adam.LoadState(good);
                lastUpdate = 0;
                lrScale *= 0.5f;
                lr *= 0.5f;
                adam = NewAdam(parameters, lr);
                recent.Clear();
                recentNorms.Clear();
                progress?.Report(new IsnProgress(step, Options.Steps, value, lr)
                    { Message = $"step {step}: loss {value:G4} is {(float.IsFinite(value) ? "a spike" : "not finite")}; rolled back to step {goodStep} and halved the learning rate to {lr:G3}" });
                continue;
            }
            loss.Backward();
            // Adam with beta1 0.5 turns one sudden large gradient into a step many times the learning rate, which is
            // how the blow-ups start: cap the gradient norm at ClipFactor times the median of the recent norms.
            float cap = Options.ClipFactor > 0 && recentNorms.Count == RecentLosses ? Options.ClipFactor * Median(recentNorms) : float.PositiveInfinity;
            float norm = GradClip.ClipGradNorm(parameters, cap);
            recentNorms.Enqueue(Math.Min(norm, cap));
            if (recentNorms.Count > RecentLosses) recentNorms.Dequeue();
            adam.SaveState(previous);
            lastUpdate = step;
            adam.Step();
            if (Options.LrRecoverSteps > 0) lrScale = MathF.Min(1f, lrScale * MathF.Pow(2f, 1f / Options.LrRecoverSteps));
            scope.Dispose();   // validation and checkpoints below build tensors that outlive the step
            recent.Enqueue(reconstruction);
            if (recent.Count > RecentLosses) recent.Dequeue();
            var report = new IsnProgress(step, Options.Steps, value, lr);
            if (step % Options.ValidateEvery == 0 || step == Options.Steps)
            {
                var (stegoPsnr, revealPsnr) = Validate(isn, valCover, valSecret, keyImage);
                report = report with { StegoPsnr = stegoPsnr, RevealPsnr = revealPsnr };
                // The state to roll back to, unless it is far below the best: run 20 validated its reveal at 19.7 dB at
                // step 700 (25.0 at 600, 25.2 at 800), weights near the edge, and a roll-back would have returned there.
                if (double.IsFinite(Math.Min(stegoPsnr, revealPsnr)) && Math.Min(stegoPsnr, revealPsnr) > best - GoodStateMarginDb)
                {
                    adam.SaveState(good);
                    goodStep = step;
                }
                if (Math.Min(stegoPsnr, revealPsnr) > best)
                {
                    best = Math.Min(stegoPsnr, revealPsnr);
                    bestBundle = new IsnBundle(Clone(isn), keyImage, s, coverDigest);
                    checkpoint?.Invoke(bestBundle, report);
                }
            }
            progress?.Report(report);
        }
        return bestBundle ?? new IsnBundle(isn, keyImage, s, coverDigest);
    }

    /// <summary>
    /// 5·MSE(revealed, secret) + MSE(stego, cover) + MSE(LL(stego), LL(cover)) with the weights of the options, plus, given
    /// <paramref name="wrongKey"/>, w·mean_i relu(m − MSE(reveal(stego_i, wrong key_i), secret_i)), each pair's wrong key on its own.
    /// </summary>
    public Tensor Loss(Isn isn, Tensor cover, Tensor secret, Tensor key, Tensor? wrongKey = null) => LossParts(isn, cover, secret, key, wrongKey).Loss;

    /// <summary>The loss and the value of its wrong-key term.</summary>
    private (Tensor Loss, float WrongKeyTerm) LossParts(Isn isn, Tensor cover, Tensor secret, Tensor key, Tensor? wrongKey)
    {
        var (bands, stego) = isn.Hide(cover, secret);
        var rounding = new Tensor(stego.Shape);
        for (int i = 0; i < rounding.Size; i++) rounding.Data[i] = MathF.Round(Math.Clamp(stego.Data[i], 0f, 1f) * 255f) / 255f - stego.Data[i];
        var revealed = isn.Reveal(stego + rounding, key);
        var low = PairMse(bands.Narrow(1, 0, 3), F.HaarDwt(cover).Narrow(1, 0, 3));
        var loss = PairMse(revealed, secret) * Options.RevealWeight + PairMse(stego, cover) * Options.GuideWeight + low * Options.LowWeight;
        if (wrongKey is null || Options.WrongKeyWeight == 0) return (loss, 0f);
        // The hinge holds for each wrong key on its own: on the batch's mean MSE, wrong keys that reveal nothing (noise, far
        // photos) would pay for one that reveals (measured, run 17 with the hinge on the mean: at step 4500 the key shifted,
        // turned or recoloured still revealed at 16.8 dB on average, 31 dB at most).
        int n = wrongKey.Shape[0];
        var d = isn.Reveal(stego + rounding, wrongKey) - secret;
        var wrongMse = (d * d).Reshape(n, d.Size / n).Mean(1);
        var term = (wrongMse.Neg() + Options.WrongKeyMse).Relu().Mean() * Options.WrongKeyWeight;
        return (loss + term, term.Data[0]);
    }

    /// <summary>The p-mean over the pairs of each pair's MSE, (mean_i MSE_i^p)^(1/p) with p = <see cref="IsnTrainOptions.SamplePower"/>
    /// (p = 1: the batch's MSE).</summary>
    private Tensor PairMse(Tensor x, Tensor target)
    {
        float p = Options.SamplePower;
        if (p == 1f) return F.MseLoss(x, target);
        int n = x.Shape[0];
        var d = x - target;
        // + 1e-30: at the start the stego is the cover exactly (the last convolutions start at zero), and the root's
        // derivative at 0 is infinite (0·∞ = NaN); with it the derivative there is 0, as the p-mean's is.
        return ((d * d).Reshape(n, d.Size / n).Mean(1).Pow(p).Mean() + 1e-30f).Pow(1f / p);
    }

    /// <summary>
    /// A key that must not reveal, so that the reveal learns to depend on the key: another photo's crop, Gaussian
    /// noise, a near-flat image, a synthetic texture, and from what <paramref name="sources"/> holds a crop of one of the
    /// owner's wrong-key textures, (the hard case) a crop of the key's own texture at another scale and place, one of
    /// those blended with the key (<see cref="NearKey"/>) and the key shifted, turned or recoloured
    /// (<see cref="KeyVariant"/>); each kind equally likely.
    /// </summary>
    public static Image WrongKey(WrongKeySources sources, Rng rng)
    {
        int kinds = 4 + (sources.Textures.Count > 0 ? 1 : 0) + (sources.KeyTexture is null ? 0 : 1);
        int extra = (sources.BlendWith is null ? 0 : 1) + (sources.VariantOf is null ? 0 : 1), draw = extra == 0 ? 0 : rng.NextInt(kinds + extra);
        if (draw == kinds && sources.BlendWith is { } key)
            return NearKey(key, WrongKey(sources with { BlendWith = null, VariantOf = null }, rng), rng, sources.NearKeyMinBlend);
        if (draw >= kinds && sources.VariantOf is { } variantOf) return KeyVariant(variantOf, rng);
        return rng.NextInt(kinds) switch
        {
            0 => Augment(sources.Photos[rng.NextInt(sources.Photos.Count)], sources.Size, rng),
            1 => NoiseImage(sources.Size, rng),
            2 => FlatImage(sources.Size, rng),
            3 => SyntheticTexture(sources.Size, rng),
            4 when sources.Textures.Count > 0 => Augment(sources.Textures[rng.NextInt(sources.Textures.Count)], sources.Size, rng),
            _ => Augment(sources.KeyTexture!, sources.Size, rng),
        };
    }

    /// <summary>
    /// (1 − α)·key + α·other with α uniform in [<paramref name="minBlend"/>, 1): a wrong key closer to the key than the
    /// wrong keys drawn alone. The hinge is met by far keys with a weak dependence on the key, and a wrong texture whose
    /// colours are near the key's then reveals (measured, run 8: DTD crosshatched_0010, 13.7 dB from the key, revealed at
    /// 25 dB; braided_0006, 17.4 dB from it, at 18 dB). Blends make the reveal move away from the secret faster than the key does.
    /// </summary>
    public static Image NearKey(Image key, Image other, Rng rng, float minBlend = DefaultNearKeyMinBlend)
    {
        if (key.Width != other.Width || key.Height != other.Height || key.Channels != other.Channels)
            throw new ArgumentException($"NearKey: key {key.Width}x{key.Height}x{key.Channels} and other {other.Width}x{other.Height}x{other.Channels} differ in shape.");
        float alpha = minBlend + (1 - minBlend) * (float)rng.NextDouble();
        var image = new Image(key.Width, key.Height, key.Channels);
        for (int i = 0; i < image.Pixels.Length; i++) image.Pixels[i] = (byte)MathF.Round((1 - alpha) * key.Pixels[i] + alpha * other.Pixels[i]);
        return image;
    }

    /// <summary>
    /// The key changed so that it keeps its texture but is not the key: shifted around by 2-8 pixels, flipped left-right,
    /// flipped upside down, transposed or its colour channels permuted (one draw in eight each), or, pixel by pixel (three
    /// in eight), made grey, its contrast or brightness changed, or noise added (σ 24-64 levels); drawn again (up to 15
    /// times) while it lies within <see cref="KeyVariantMaxPsnr"/> of the key (a grey
    /// key made grey is still the key). Why: run 16, trained without them, revealed the identity at 30 dB with the key
    /// shifted by one pixel, at 28 dB with noise of σ 10 added to it: the reveal followed the key's colours and coarse
    /// look, and wrong textures with a look like the key's (DTD crosshatched, braided, blotchy) revealed at 15-18 dB.
    /// </summary>
    public static Image KeyVariant(Image key, Rng rng)
    {
        for (int attempt = 0; ; attempt++)
        {
            var v = KeyVariantOnce(key, rng);
            if (attempt == 15 || ImageQuality.Psnr(v, key) <= KeyVariantMaxPsnr) return v;
        }
    }

    /// <summary>The highest PSNR a <see cref="KeyVariant"/> may have to the key: closer than this it is the key, give or take.</summary>
    public const double KeyVariantMaxPsnr = 24;

    private static Image KeyVariantOnce(Image key, Rng rng)
    {
        int w = key.Width, h = key.Height, c = key.Channels;
        var v = new Image(w, h, c);
        var src = key.Pixels;
        switch (rng.NextInt(8))
        {
            case 0:   // shifted around (circularly), at least 2 pixels along one axis
            {
                int dx, dy;
                do { dx = rng.NextInt(17) - 8; dy = rng.NextInt(17) - 8; } while (Math.Max(Math.Abs(dx), Math.Abs(dy)) < 2);
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        src.AsSpan(((((y + dy) % h + h) % h) * w + (((x + dx) % w + w) % w)) * c, c).CopyTo(v.Pixels.AsSpan((y * w + x) * c, c));
                return v;
            }
            case 1: return ImageOps.FlipHorizontal(key);
            case 2: return FlipVertical(key);
            case 3:   // transposed: a quarter turn and a flip
                if (w != h) return FlipVertical(ImageOps.FlipHorizontal(key));
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++) src.AsSpan((x * w + y) * c, c).CopyTo(v.Pixels.AsSpan((y * w + x) * c, c));
                return v;
            case 4:   // channels permuted (one of the five orders that are not the identity)
            {
                int[][] orders = [[0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
                var order = orders[rng.NextInt(orders.Length)];
                for (int i = 0; i < src.Length; i += c)
                    for (int ch = 0; ch < c; ch++) v.Pixels[i + ch] = src[i + order[ch % 3] % c];
                return v;
            }
            default:   // per pixel: grey, contrast, brightness, noise
            {
                int kind = rng.NextInt(4);
                float contrast = rng.NextInt(2) == 0 ? 0.2f + 0.5f * (float)rng.NextDouble() : 1.4f + 0.6f * (float)rng.NextDouble();
                float offset = (rng.NextInt(2) == 0 ? -1 : 1) * (20 + 40 * (float)rng.NextDouble());
                float sigma = 24 + 40 * (float)rng.NextDouble();
                double mean = src.Average(p => (double)p);
                for (int i = 0; i < src.Length; i += c)
                {
                    float grey = 0;
                    for (int ch = 0; ch < c; ch++) grey += src[i + ch] / (float)c;
                    for (int ch = 0; ch < c; ch++)
                    {
                        float p = src[i + ch];
                        float q = kind switch
                        {
                            0 => grey,
                            1 => (float)mean + contrast * (p - (float)mean),
                            2 => p + offset,
                            _ => p + sigma * (float)rng.NextNormal(),
                        };
                        v.Pixels[i + ch] = (byte)Math.Clamp(MathF.Round(q), 0, 255);
                    }
                }
                return v;
            }
        }
    }

    /// <summary>The least share of the other image in a <see cref="NearKey"/> blend, unless the options say otherwise.</summary>
    public const float DefaultNearKeyMinBlend = 0.15f;

    /// <summary>
    /// A random texture: a random mean colour, plus 1-4 gratings (random orientation, frequency, phase and colour) and
    /// noise smoothed over a random radius, each at a random contrast. The ISN tells keys apart by their look, so a
    /// wrong key it has never seen that looks like the key reveals (measured: DTD crosshatched, blotchy, braided);
    /// these cover the space of looks the few photos and noise leave open.
    /// </summary>
    public static Image SyntheticTexture(int size, Rng rng)
    {
        var v = new float[3 * size * size];   // HWC, levels around 0
        int gratings = 1 + rng.NextInt(4);
        for (int g = 0; g < gratings; g++)
        {
            double angle = Math.PI * rng.NextDouble(), freq = 2 * Math.PI * (0.03 + 0.45 * rng.NextDouble()), phase = 2 * Math.PI * rng.NextDouble();
            double fx = freq * Math.Cos(angle), fy = freq * Math.Sin(angle);
            Span<float> colour = [(float)(80 * rng.NextNormal()), (float)(80 * rng.NextNormal()), (float)(80 * rng.NextNormal())];
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    float w = (float)Math.Sin(fx * x + fy * y + phase);
                    for (int ch = 0; ch < 3; ch++) v[(y * size + x) * 3 + ch] += colour[ch] * w / gratings;
                }
        }
        // Noise box-blurred over a (2r+1)^2 window, wrapping at the edges.
        int r = rng.NextInt(4);
        float noiseLevel = (float)(60 * rng.NextDouble()) * (2 * r + 1);
        var noise = new float[v.Length];
        for (int i = 0; i < noise.Length; i++) noise[i] = (float)rng.NextNormal();
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                for (int ch = 0; ch < 3; ch++)
                {
                    float sum = 0;
                    for (int dy = -r; dy <= r; dy++)
                        for (int dx = -r; dx <= r; dx++)
                            sum += noise[(((y + dy + size) % size) * size + (x + dx + size) % size) * 3 + ch];
                    v[(y * size + x) * 3 + ch] += noiseLevel * sum / ((2 * r + 1) * (2 * r + 1));
                }
        var image = new Image(size, size, 3);
        Span<float> mean = [(float)(255 * rng.NextDouble()), (float)(255 * rng.NextDouble()), (float)(255 * rng.NextDouble())];
        for (int i = 0; i < v.Length; i++) image.Pixels[i] = (byte)Math.Clamp(MathF.Round(mean[i % 3] + v[i]), 0, 255);
        return image;
    }

    /// <summary>
    /// One random colour with weak noise (σ up to 16 levels): a near-flat key. Measured: without these, flat or dark
    /// textures (DTD crosshatched_0010, mean 33 levels, σ 8) revealed the identity as well as the genuine key.
    /// </summary>
    private static Image FlatImage(int size, Rng rng)
    {
        var image = new Image(size, size, 3);
        Span<float> colour = [(float)(255 * rng.NextDouble()), (float)(255 * rng.NextDouble()), (float)(255 * rng.NextDouble())];
        float sigma = (float)(16 * rng.NextDouble());
        for (int i = 0; i < image.Pixels.Length; i++) image.Pixels[i] = (byte)Math.Clamp(MathF.Round(colour[i % 3] + sigma * rng.NextNormal()), 0, 255);
        return image;
    }

    /// <summary>Gaussian noise around mid-grey (σ 64 levels): a key that is no image at all.</summary>
    public static Image NoiseImage(int size, Rng rng)
    {
        var image = new Image(size, size, 3);
        for (int i = 0; i < image.Pixels.Length; i++) image.Pixels[i] = (byte)Math.Clamp(MathF.Round(127.5f + 64f * rng.NextNormal()), 0, 255);
        return image;
    }

    /// <summary>Mean PSNR of the 8-bit stego against the cover and of the revealed secret against the true one.</summary>
    public static (double Stego, double Reveal) Validate(Isn isn, IReadOnlyList<Image> covers, IReadOnlyList<Image> secrets, Image key)
    {
        double stegoSum = 0, revealSum = 0;
        for (int i = 0; i < covers.Count; i++)
        {
            var stego = isn.HideImage(covers[i], secrets[i]);
            stegoSum += ImageQuality.Psnr(stego, covers[i]);
            revealSum += ImageQuality.Psnr(isn.RevealImage(stego, key), secrets[i]);
        }
        return (stegoSum / covers.Count, revealSum / covers.Count);
    }

    /// <summary>Consecutive images as (secret, cover) pairs; with a fixed cover every image is a secret hidden in it.</summary>
    public static (List<Image> Secrets, List<Image> Covers) ValidationPairs(IReadOnlyList<Image> validation, int size, Image? cover = null)
    {
        var fitted = validation.Select(v => IsnBundle.Fit(v, size)).ToList();
        if (cover is not null)
        {
            var fittedCover = IsnBundle.Fit(cover, size);
            return (fitted, fitted.Select(_ => fittedCover).ToList());
        }
        var secrets = new List<Image>(); var covers = new List<Image>();
        for (int i = 0; i + 1 < fitted.Count; i += 2) { secrets.Add(fitted[i]); covers.Add(fitted[i + 1]); }
        return (secrets, covers);
    }

    private static Image Augment(Image image, int size, Rng rng)
    {
        var crop = ImageOps.RandomCrop(image, size, size, rng);
        if (rng.NextInt(2) == 1) crop = ImageOps.FlipHorizontal(crop);
        if (rng.NextInt(2) == 1) crop = FlipVertical(crop);
        return crop;
    }

    private static Image FlipVertical(Image src)
    {
        var dst = new Image(src.Width, src.Height, src.Channels);
        int row = src.Width * src.Channels;
        for (int y = 0; y < src.Height; y++) src.Pixels.AsSpan(y * row, row).CopyTo(dst.Pixels.AsSpan((src.Height - 1 - y) * row, row));
        return dst;
    }

    private static Tensor ToBatch(IReadOnlyList<Image> images)
    {
        int h = images[0].Height, w = images[0].Width, plane = 3 * h * w;
        var t = new Tensor(images.Count, 3, h, w);
        for (int i = 0; i < images.Count; i++) ImageTensor.CopyChw(images[i], t.Data.AsSpan(i * plane, plane));
        return t;
    }

    private static Tensor Repeat(Tensor one, int n) => Tensor.Cat(Enumerable.Repeat(one, n).ToArray(), 0);

    private static Adam NewAdam(IEnumerable<Engine.Nn.Parameter> parameters, float lr) =>
        new(parameters, lr, beta1: 0.5f, beta2: 0.999f, eps: 1e-6f, weightDecay: 1e-5f);

    private static Isn Clone(Isn isn)
    {
        var copy = new Isn(isn.BlockCount, new Rng(0));
        var state = new Engine.Nn.StateDict();
        foreach (var (name, p) in isn.NamedParameters()) state.Add(name, new Tensor((float[])p.Value.Data.Clone(), p.Value.Shape));
        copy.LoadStateDict(state);
        return copy;
    }

    private static float Median(IEnumerable<float> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}

/// <summary>
/// What <see cref="IsnTrainer.WrongKey"/> draws from: crops of <see cref="Photos"/> at <see cref="Size"/> (and noise, flat
/// images and synthetic textures, always), plus each source given.
/// </summary>
public sealed record WrongKeySources(List<Image> Photos, int Size)
{
    /// <summary>The key's own texture (larger than the key): crops of it at other places.</summary>
    public Image? KeyTexture { get; init; }

    /// <summary>The owner's wrong-key textures.</summary>
    public List<Image> Textures { get; init; } = [];

    /// <summary>The prepared key, to blend other wrong keys with (<see cref="IsnTrainer.NearKey"/>).</summary>
    public Image? BlendWith { get; init; }

    /// <summary>The least share of the other image in such a blend.</summary>
    public float NearKeyMinBlend { get; init; } = IsnTrainer.DefaultNearKeyMinBlend;

    /// <summary>The prepared key, to draw variants of (<see cref="IsnTrainer.KeyVariant"/>).</summary>
    public Image? VariantOf { get; init; }
}
