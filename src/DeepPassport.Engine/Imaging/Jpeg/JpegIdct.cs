namespace DeepPassport.Engine.Imaging;

/// <summary>
/// Dequantization and the 8x8 inverse DCT of T.81 A.3.3, computed as two separable float passes:
/// s(y,x) = 1/4 * sum_v sum_u C(u) C(v) S(v,u) cos((2x+1)u pi/16) cos((2y+1)v pi/16), C(0) = 1/sqrt(2), else 1;
/// then the level shift +128, rounding to nearest and clamping to 0..255.
/// </summary>
internal static class JpegIdct
{
    // Basis[x * 8 + u] = C(u)/2 * cos((2x+1) u pi / 16); applying it along rows and then columns gives the 1/4.
    private static readonly float[] Basis = BuildBasis();

    private static float[] BuildBasis()
    {
        var b = new float[64];
        for (int x = 0; x < 8; x++)
            for (int u = 0; u < 8; u++)
                b[x * 8 + u] = (float)((u == 0 ? Math.Sqrt(0.5) : 1.0) / 2 * Math.Cos((2 * x + 1) * u * Math.PI / 16));
        return b;
    }

    /// <summary>
    /// Turns the component's coefficients into samples: a plane of <c>BlocksPerLine * 8</c> columns and
    /// <c>BlocksPerColumn * 8</c> rows (the blocks beyond those exist only as MCU padding and are not needed).
    /// </summary>
    public static byte[] ToSamples(JpegComponent c, out int stride)
    {
        stride = c.BlocksPerLine * 8;
        var plane = new byte[(long)stride * c.BlocksPerColumn * 8];
        ushort[] quant = c.Quant ?? new ushort[64]; // a component that no scan coded stays mid-grey
        Span<float> coef = stackalloc float[64];
        Span<float> tmp = stackalloc float[64];
        for (int by = 0; by < c.BlocksPerColumn; by++)
            for (int bx = 0; bx < c.BlocksPerLine; bx++)
            {
                var block = c.Coefficients.AsSpan((by * c.StrideBlocks + bx) * 64, 64);
                var output = plane.AsSpan(by * 8 * stride + bx * 8);
                bool acZero = true;
                for (int i = 0; i < 64; i++)
                {
                    coef[i] = block[i] * (float)quant[i];
                    if (i > 0 && block[i] != 0) acZero = false;
                }
                if (acZero) FillDc(coef[0], output, stride);
                else Transform(coef, tmp, output, stride);
            }
        return plane;
    }

    /// <summary>With only the DC term every sample is S(0,0) * C(0)^2 / 4 = S(0,0) / 8.</summary>
    private static void FillDc(float dc, Span<byte> output, int stride)
    {
        byte value = Clamp(dc / 8);
        for (int y = 0; y < 8; y++) output.Slice(y * stride, 8).Fill(value);
    }

    private static void Transform(Span<float> coef, Span<float> tmp, Span<byte> output, int stride)
    {
        float[] basis = Basis;
        // Rows: tmp(v, x) = sum_u Basis(x, u) S(v, u).
        for (int v = 0; v < 8; v++)
        {
            // High vertical frequencies are usually all zero after quantization: their row contributes nothing.
            var row = coef.Slice(v * 8, 8);
            if (row.IndexOfAnyExcept(0f) < 0) { tmp.Slice(v * 8, 8).Clear(); continue; }
            for (int x = 0; x < 8; x++)
            {
                float sum = 0;
                for (int u = 0; u < 8; u++) sum += basis[x * 8 + u] * coef[v * 8 + u];
                tmp[v * 8 + x] = sum;
            }
        }
        // Columns: s(y, x) = sum_v Basis(y, v) tmp(v, x).
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++)
            {
                float sum = 0;
                for (int v = 0; v < 8; v++) sum += basis[y * 8 + v] * tmp[v * 8 + x];
                output[y * stride + x] = Clamp(sum);
            }
    }

    /// <summary>Level shift by +128, round half up, clamp to 0..255.</summary>
    private static byte Clamp(float value)
    {
        float shifted = value + 128.5f;
        return shifted <= 0 ? (byte)0 : shifted >= 255 ? (byte)255 : (byte)(int)shifted;
    }
}
