namespace DeepPassport.Engine.Imaging;

/// <summary>
/// The five PNG scan-line filters (none, sub, up, average, Paeth). For byte x of a row, a is the byte one pixel
/// to the left, b the byte above, c the byte above-left (0 outside the image or pass).
/// </summary>
internal static class PngFilters
{
    /// <summary>Paeth predictor: of a, b, c the one closest to p = a + b - c, ties broken in the order a, b, c.</summary>
    public static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc) return a;
        return pb <= pc ? b : c;
    }

    /// <summary>Undoes filter <paramref name="type"/> on <paramref name="row"/> in place; false for an unknown type.</summary>
    public static bool Unfilter(int type, Span<byte> row, ReadOnlySpan<byte> prev, int stride)
    {
        switch (type)
        {
            case 0:
                return true;
            case 1: // Raw(x) = Sub(x) + Raw(x - bpp)
                for (int i = stride; i < row.Length; i++) row[i] += row[i - stride];
                return true;
            case 2: // Raw(x) = Up(x) + Prior(x)
                for (int i = 0; i < row.Length; i++) row[i] += prev[i];
                return true;
            case 3: // Raw(x) = Average(x) + floor((Raw(x - bpp) + Prior(x)) / 2)
                for (int i = 0; i < row.Length; i++)
                    row[i] += (byte)(((i >= stride ? row[i - stride] : 0) + prev[i]) >> 1);
                return true;
            case 4: // Raw(x) = Paeth(x) + PaethPredictor(Raw(x - bpp), Prior(x), Prior(x - bpp))
                for (int i = 0; i < row.Length; i++)
                {
                    int a = i >= stride ? row[i - stride] : 0, c = i >= stride ? prev[i - stride] : 0;
                    row[i] += (byte)Paeth(a, prev[i], c);
                }
                return true;
            default:
                return false;
        }
    }

    /// <summary>Applies filter <paramref name="type"/> (0..4) to <paramref name="raw"/>, writing to <paramref name="dst"/>.</summary>
    public static void Filter(int type, ReadOnlySpan<byte> raw, ReadOnlySpan<byte> prev, int stride, Span<byte> dst)
    {
        for (int i = 0; i < raw.Length; i++)
        {
            int a = i >= stride ? raw[i - stride] : 0, b = prev[i], c = i >= stride ? prev[i - stride] : 0;
            int predicted = type switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) >> 1,
                _ => Paeth(a, b, c),
            };
            dst[i] = (byte)(raw[i] - predicted);
        }
    }
}
