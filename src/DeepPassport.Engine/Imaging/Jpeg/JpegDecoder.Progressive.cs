namespace DeepPassport.Engine.Imaging;

// Progressive Huffman decoding of one block, T.81 G.1.2: DC and AC, first scans and refinement scans.
internal sealed partial class JpegDecoder
{
    /// <summary>First DC scan: like sequential DC, the value is scaled by 2^Al (point transform).</summary>
    private void DecodeDcFirst(JpegBitReader reader, JpegComponent c, Span<short> block)
    {
        int t = c.DcTable!.Decode(reader);
        if (t > 15) throw reader.Error($"DC difference category {t} is invalid");
        c.DcPredictor += reader.ReceiveExtend(t);
        block[0] = (short)(c.DcPredictor << _al);
    }

    /// <summary>DC refinement: one raw bit, the next lower bit (2^Al) of the DC coefficient.</summary>
    private void DecodeDcRefine(JpegBitReader reader, Span<short> block)
    {
        if (reader.Bit() != 0) block[0] |= (short)(1 << _al);
    }

    /// <summary>
    /// First AC scan over the band Ss..Se: run/size pairs like sequential, values scaled by 2^Al; a symbol with
    /// size 0 and run r &lt; 15 is EOBr: this block and the next 2^r - 1 + (r extra bits) blocks end here.
    /// </summary>
    private void DecodeAcFirst(JpegBitReader reader, JpegComponent c, Span<short> block)
    {
        if (_eobRun > 0) { _eobRun--; return; }
        var table = c.AcTable!;
        var natural = JpegZigZag.ToNatural;
        for (int k = _ss; k <= _se; k++)
        {
            int rs = table.Decode(reader);
            int r = rs >> 4, size = rs & 15;
            if (size == 0)
            {
                if (r < 15)
                {
                    _eobRun = (1 << r) - 1 + reader.Receive(r); // minus this block
                    break;
                }
                k += 15; // ZRL
                continue;
            }
            k += r;
            if (k > _se) throw reader.Error("AC coefficient run goes past the end of the spectral band");
            block[natural[k]] = (short)(reader.ReceiveExtend(size) * (1 << _al));
        }
    }

    /// <summary>
    /// AC refinement scan (T.81 G.1.2.3): coefficients that are already non-zero get one correction bit each as
    /// they are passed; a new coefficient (size 1, value ±2^Al) lands after r still-zero positions. Inside an EOB
    /// run only the correction bits of the non-zero coefficients are read.
    /// </summary>
    private void DecodeAcRefine(JpegBitReader reader, JpegComponent c, Span<short> block)
    {
        int p1 = 1 << _al, m1 = -1 << _al;
        var natural = JpegZigZag.ToNatural;
        int k = _ss;
        if (_eobRun == 0)
        {
            var table = c.AcTable!;
            for (; k <= _se; k++)
            {
                int rs = table.Decode(reader);
                int r = rs >> 4, size = rs & 15;
                int value = 0;
                if (size != 0)
                {
                    if (size != 1) throw reader.Error($"AC refinement coefficient of size {size}; only 1 is valid");
                    value = reader.Bit() != 0 ? p1 : m1;
                }
                else if (r != 15)
                {
                    _eobRun = (1 << r) + reader.Receive(r); // includes this block, refined below
                    break;
                }
                // Pass r zero-history coefficients (ZRL: 16, since r = 15 and the final k++ adds one),
                // refining the non-zero ones on the way; then place the new value.
                for (; k <= _se; k++)
                {
                    int z = natural[k];
                    if (block[z] != 0) RefineBit(reader, ref block[z], p1, m1);
                    else if (r-- == 0) break;
                }
                if (value != 0)
                {
                    if (k > _se) throw reader.Error("AC refinement run goes past the end of the spectral band");
                    block[natural[k]] = (short)value;
                }
            }
        }
        if (_eobRun > 0)
        {
            for (; k <= _se; k++)
            {
                int z = natural[k];
                if (block[z] != 0) RefineBit(reader, ref block[z], p1, m1);
            }
            _eobRun--;
        }
    }

    /// <summary>A correction bit of 1 adds 2^Al to the magnitude (away from zero), unless that bit is already set.</summary>
    private static void RefineBit(JpegBitReader reader, ref short coef, int p1, int m1)
    {
        if (reader.Bit() != 0 && (coef & p1) == 0)
            coef = (short)(coef >= 0 ? coef + p1 : coef + m1);
    }
}
