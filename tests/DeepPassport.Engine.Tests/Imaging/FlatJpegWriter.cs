namespace DeepPassport.Engine.Tests.Imaging;

/// <summary>
/// Test-only writer of baseline JPEGs whose blocks are flat (DC only), for features the data folder lacks:
/// restart intervals, grayscale, unusual sampling factors. With every quantization value 8 a block's samples are
/// exactly DC + 128 (the IDCT of a lone DC term is DC * q / 8), so the expected pixels are known.
/// </summary>
internal static class FlatJpegWriter
{
    /// <summary>
    /// Writes a frame of <paramref name="width"/> x <paramref name="height"/> with the given components
    /// (id, H, V); <paramref name="blockValue"/>(component, blockX, blockY) gives each block's sample value
    /// (0..255, DC = value - 128). Interleaved single scan; <paramref name="restartInterval"/> MCUs per interval.
    /// </summary>
    public static byte[] Write(int width, int height, (int Id, int H, int V)[] components,
        Func<int, int, int, int> blockValue, int restartInterval = 0)
    {
        var o = new List<byte> { 0xFF, 0xD8 };
        void Segment(int marker, List<byte> body)
        {
            o.AddRange([0xFF, (byte)marker, (byte)((body.Count + 2) >> 8), (byte)(body.Count + 2)]);
            o.AddRange(body);
        }
        Segment(0xDB, [0x00, .. Enumerable.Repeat((byte)8, 64)]);
        var sof = new List<byte> { 8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, (byte)components.Length };
        foreach (var c in components) sof.AddRange([(byte)c.Id, (byte)((c.H << 4) | c.V), 0]);
        Segment(0xC0, sof);
        // DC table: the 12 categories 0..11 all get 4-bit codes 0000..1011. AC table: only EOB, code "0".
        Segment(0xC4, [0x00, 0, 0, 0, 12, .. new byte[12], .. Enumerable.Range(0, 12).Select(i => (byte)i)]);
        Segment(0xC4, [0x10, 1, .. new byte[15], 0x00]);
        if (restartInterval > 0) Segment(0xDD, [(byte)(restartInterval >> 8), (byte)restartInterval]);
        var sos = new List<byte> { (byte)components.Length };
        foreach (var c in components) sos.AddRange([(byte)c.Id, 0x00]);
        sos.AddRange([0, 63, 0]);
        Segment(0xDA, sos);

        int maxH = components.Max(c => c.H), maxV = components.Max(c => c.V);
        int mcusX = (width + 8 * maxH - 1) / (8 * maxH), mcusY = (height + 8 * maxV - 1) / (8 * maxV);
        var bits = new BitWriter(o);
        var predictors = new int[components.Length];
        int restarts = 0;
        for (int m = 0; m < mcusX * mcusY; m++)
        {
            if (restartInterval > 0 && m > 0 && m % restartInterval == 0)
            {
                bits.Flush();
                o.AddRange([0xFF, (byte)(0xD0 + (restarts++ & 7))]);
                Array.Clear(predictors);
            }
            int mx = m % mcusX, my = m / mcusX;
            for (int ci = 0; ci < components.Length; ci++)
                for (int v = 0; v < components[ci].V; v++)
                    for (int h = 0; h < components[ci].H; h++)
                    {
                        int dc = blockValue(ci, mx * components[ci].H + h, my * components[ci].V + v) - 128;
                        int diff = dc - predictors[ci];
                        predictors[ci] = dc;
                        // Category = bit length of |diff|; negative values are sent as diff - 1 in that many bits.
                        int category = diff == 0 ? 0 : 32 - int.LeadingZeroCount(Math.Abs(diff));
                        bits.Write(category, 4);
                        if (category > 0) bits.Write(diff > 0 ? diff : diff - 1 + (1 << category), category);
                        bits.Write(0, 1); // EOB
                    }
        }
        bits.Flush();
        o.AddRange([0xFF, 0xD9]);
        return [.. o];
    }

    private sealed class BitWriter(List<byte> output)
    {
        private int _buffer, _count;

        public void Write(int value, int n)
        {
            for (int i = n - 1; i >= 0; i--)
            {
                _buffer = (_buffer << 1) | ((value >> i) & 1);
                if (++_count == 8) Emit();
            }
        }

        /// <summary>Pads the last byte with 1-bits (T.81 F.1.2.3).</summary>
        public void Flush()
        {
            while (_count != 0) Write(1, 1);
        }

        private void Emit()
        {
            output.Add((byte)_buffer);
            if (_buffer == 0xFF) output.Add(0x00); // byte stuffing
            _buffer = 0; _count = 0;
        }
    }
}
