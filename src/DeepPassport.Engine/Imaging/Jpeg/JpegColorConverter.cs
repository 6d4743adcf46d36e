namespace DeepPassport.Engine.Imaging;

/// <summary>
/// YCbCr to RGB with the JFIF equations, in libjpeg's 16-bit fixed point so results match it exactly:
/// R = Y + 1.402 (Cr-128), G = Y - 0.34414 (Cb-128) - 0.71414 (Cr-128), B = Y + 1.772 (Cb-128), clamped to 0..255.
/// </summary>
internal static class JpegColorConverter
{
    private const int Shift = 16;
    private const int Half = 1 << (Shift - 1);
    private static int Fix(double x) => (int)(x * (1 << Shift) + 0.5);

    // Per-value contributions, indexed by the 8-bit sample; the R and B terms are already rounded.
    private static readonly int[] CrToR = new int[256], CbToB = new int[256], CrToG = new int[256], CbToG = new int[256];

    static JpegColorConverter()
    {
        for (int i = 0; i < 256; i++)
        {
            int x = i - 128;
            CrToR[i] = (Fix(1.40200) * x + Half) >> Shift;
            CbToB[i] = (Fix(1.77200) * x + Half) >> Shift;
            CrToG[i] = -Fix(0.71414) * x;
            CbToG[i] = -Fix(0.34414) * x + Half; // the rounding half is carried in the Cb term
        }
    }

    /// <summary>Interleaves three full-size planes into RGB, converting from YCbCr unless <paramref name="isRgb"/>.</summary>
    public static void ToRgb(byte[] c0, byte[] c1, byte[] c2, bool isRgb, byte[] rgb)
    {
        int n = c0.Length;
        if (isRgb)
        {
            for (int i = 0; i < n; i++) { rgb[3 * i] = c0[i]; rgb[3 * i + 1] = c1[i]; rgb[3 * i + 2] = c2[i]; }
            return;
        }
        for (int i = 0; i < n; i++)
        {
            int y = c0[i], cb = c1[i], cr = c2[i];
            rgb[3 * i] = ClampByte(y + CrToR[cr]);
            rgb[3 * i + 1] = ClampByte(y + ((CbToG[cb] + CrToG[cr]) >> Shift));
            rgb[3 * i + 2] = ClampByte(y + CbToB[cb]);
        }
    }

    private static byte ClampByte(int v) => (byte)Math.Clamp(v, 0, 255);
}
