using DeepPassport.Engine.Imaging;
using DeepPassport.Owner;
using DeepPassport.Stego;

namespace DeepPassport.Licensing;

/// <summary>
/// User-side passports (reference-spec §4.3): p_u = IWT(ISN([DWT(p_o), DWT(I_u)])[0:12]), the owner passport p_o with the
/// user's identity image I_u hidden in it. The cover p_o is the first image of the SP owner passport, and both images are
/// centre-cropped to a square and resized to the ISN's working size S (see <see cref="IsnBundle.Fit"/>).
/// </summary>
public static class UserPassport
{
    /// <summary>The owner's ISN and cover image, or a clear error when the owner cannot issue licences.</summary>
    public static (IsnBundle Isn, Image Cover) OwnerSide(OwnerSecrets owner, string ownerSource)
    {
        if (owner.OwnerPassport is not { Count: > 0 } passport)
            throw new InvalidDataException($"{ownerSource}: licences need a Steganographic Passport owner (train --scheme sp): these secrets hold no owner passport image to hide identities in.");
        if (owner.Isn is null)
            throw new InvalidDataException($"{ownerSource}: holds no ISN. Train one with `deeppassport isn train`, then `deeppassport isn attach --owner {ownerSource} --isn DIR`.");
        if (owner.Isn.CoverMismatch(passport[0]) is { } why) throw new InvalidDataException($"{ownerSource}: {why}.");
        return (owner.Isn, IsnBundle.Fit(passport[0], owner.Isn.ImageSize));
    }

    /// <summary>The user-side passport of <paramref name="identity"/> (any size) and the identity as it was hidden (S x S).</summary>
    public static (Image Passport, Image Identity) Issue(IsnBundle isn, Image cover, Image identity)
    {
        var fitted = IsnBundle.Fit(identity, isn.ImageSize);
        return (isn.Network.HideImage(IsnBundle.Fit(cover, isn.ImageSize), fitted), fitted);
    }

    /// <summary>PSNR (dB) of a user-side passport against the owner passport <paramref name="cover"/> as the ISN sees it:
    /// a genuine passport stays near it, a forged or altered one drifts away.</summary>
    public static double Fidelity(IsnBundle isn, Image cover, Image passport) =>
        ImageQuality.Psnr(ImageOps.ToRgb(passport), IsnBundle.Fit(cover, isn.ImageSize));

    /// <summary>The identity image revealed from a user-side passport with the owner's key.</summary>
    public static Image Reveal(IsnBundle isn, Image passport)
    {
        if (passport.Width != isn.ImageSize || passport.Height != isn.ImageSize)
            throw new ArgumentException($"the user-side passport is {passport.Width}x{passport.Height}; this owner's passports are {isn.ImageSize}x{isn.ImageSize} (as `license issue` writes them).");
        return isn.Network.RevealImage(ImageOps.ToRgb(passport), isn.Key);
    }
}
