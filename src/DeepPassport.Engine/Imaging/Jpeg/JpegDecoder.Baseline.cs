namespace DeepPassport.Engine.Imaging;

// Sequential (baseline and extended) Huffman decoding of one block, T.81 F.2.2.
internal sealed partial class JpegDecoder
{
    /// <summary>
    /// Decodes one block: the DC difference (category T then T extra bits) added to the predictor, then
    /// run/size pairs for the AC coefficients until EOB (0x00) or position 63; ZRL (0xF0) skips 16 zeros.
    /// </summary>
    private static void DecodeSequential(JpegBitReader reader, JpegComponent c, Span<short> block)
    {
        int t = c.DcTable!.Decode(reader);
        if (t > 15) throw reader.Error($"DC difference category {t} is invalid");
        c.DcPredictor += reader.ReceiveExtend(t);
        block[0] = (short)c.DcPredictor;

        var acTable = c.AcTable!;
        var natural = JpegZigZag.ToNatural;
        for (int k = 1; k < 64; k++)
        {
            int rs = acTable.Decode(reader);
            int r = rs >> 4, size = rs & 15;
            if (size == 0)
            {
                if (r != 15) break; // EOB: the rest of the block is zero
                k += 15;            // ZRL: 16 zeros (the loop adds the 16th)
                continue;
            }
            k += r;
            if (k > 63) throw reader.Error("AC coefficient run goes past the end of the block");
            block[natural[k]] = (short)reader.ReceiveExtend(size);
        }
    }
}
