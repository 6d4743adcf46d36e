namespace DeepPassport.Engine.Imaging;

// SOS: the scan header and the walk over MCUs with restart intervals; the block decoders are in Baseline/Progressive.
internal sealed partial class JpegDecoder
{
    private enum ScanKind { Sequential, DcFirst, DcRefine, AcFirst, AcRefine }

    // The scan being decoded.
    private ScanKind _kind;
    private int _ss, _se, _ah, _al;
    private int _eobRun; // progressive AC scans: blocks still to skip after an EOBn code (T.81 G.1.2.2)

    /// <summary>SOS (T.81 B.2.3) followed by the entropy-coded data of the scan.</summary>
    private void ReadScan(ReadOnlySpan<byte> s)
    {
        if (_components.Length == 0) throw Error("scan (SOS) before the frame header (SOF)");
        if (++_scanCount > MaxScans) throw Error($"more than {MaxScans} scans");
        if (s.Length < 1) throw Error("scan header (SOS) is empty");
        int n = s[0];
        if (n < 1 || n > _components.Length) throw Error($"scan has {n} components; the frame has {_components.Length}");
        if (s.Length != 4 + 2 * n) throw Error($"scan header (SOS) length {s.Length + 2} does not match {n} components");

        var comps = new JpegComponent[n];
        int blocksPerMcu = 0;
        for (int i = 0; i < n; i++)
        {
            int id = s[1 + 2 * i], td = s[2 + 2 * i] >> 4, ta = s[2 + 2 * i] & 15;
            var c = Array.Find(_components, x => x.Id == id) ?? throw Error($"scan refers to component {id}, which is not in the frame");
            if (Array.IndexOf(comps, c, 0, i) >= 0) throw Error($"component {id} appears twice in one scan");
            if (td > 3 || ta > 3) throw Error($"scan selects Huffman tables {td}/{ta}; 0 to 3 are allowed");
            c.DcTable = _dcTables[td];
            c.AcTable = _acTables[ta];
            comps[i] = c;
            blocksPerMcu += c.H * c.V;
        }
        if (n > 1 && blocksPerMcu > 10) throw Error($"interleaved scan has {blocksPerMcu} blocks per MCU; at most 10 are allowed");

        _ss = s[1 + 2 * n]; _se = s[2 + 2 * n]; _ah = s[3 + 2 * n] >> 4; _al = s[3 + 2 * n] & 15;
        if (!_progressive) { _kind = ScanKind.Sequential; _ss = 0; _se = 63; _ah = _al = 0; }
        else
        {
            if (_ss > _se || _se > 63 || (_ss == 0 && _se != 0) || _ah > 13 || _al > 13)
                throw Error($"invalid progressive scan parameters Ss={_ss} Se={_se} Ah={_ah} Al={_al}");
            if (_ss > 0 && n != 1) throw Error("progressive AC scan with more than one component");
            _kind = _ss == 0 ? (_ah == 0 ? ScanKind.DcFirst : ScanKind.DcRefine) : (_ah == 0 ? ScanKind.AcFirst : ScanKind.AcRefine);
        }

        foreach (var c in comps)
        {
            bool needDc = _kind is ScanKind.Sequential or ScanKind.DcFirst;
            bool needAc = _kind is ScanKind.Sequential or ScanKind.AcFirst or ScanKind.AcRefine;
            if (needDc && c.DcTable is null) throw Error($"scan uses an undefined DC Huffman table for component {c.Id}");
            if (needAc && c.AcTable is null) throw Error($"scan uses an undefined AC Huffman table for component {c.Id}");
            // The quantization table in force when a component's first scan starts is the one that applies.
            c.Quant ??= (ushort[]?)_quant[c.QuantTableIndex]?.Clone()
                ?? throw Error($"component {c.Id} uses quantization table {c.QuantTableIndex}, which is not defined");
        }

        var reader = new JpegBitReader(_data, _pos, _name);
        DecodeScanData(reader, comps);
        _pos = reader.Position;
    }

    /// <summary>Decodes all MCUs of the scan (T.81 A.2): one block per MCU for a single component, else Hi x Vi blocks of each.</summary>
    private void DecodeScanData(JpegBitReader reader, JpegComponent[] comps)
    {
        foreach (var c in comps) c.DcPredictor = 0;
        _eobRun = 0;
        bool single = comps.Length == 1;
        int mcusPerLine = single ? comps[0].BlocksPerLine : _mcusPerLine;
        long mcuCount = single ? (long)comps[0].BlocksPerLine * comps[0].BlocksPerColumn : (long)_mcusPerLine * _mcuRows;
        int restart = 0;
        for (long m = 0; m < mcuCount; m++)
        {
            if (_restartInterval > 0 && m > 0 && m % _restartInterval == 0)
            {
                // At each restart the predictors and the EOB run start again (T.81 F.2.1.3.1, G.1.2.2).
                reader.Restart(restart & 7);
                restart++;
                foreach (var c in comps) c.DcPredictor = 0;
                _eobRun = 0;
            }
            int mx = (int)(m % mcusPerLine), my = (int)(m / mcusPerLine);
            if (single)
            {
                var c = comps[0];
                DecodeBlock(reader, c, (my * c.StrideBlocks + mx) * 64);
            }
            else
            {
                foreach (var c in comps)
                    for (int v = 0; v < c.V; v++)
                        for (int h = 0; h < c.H; h++)
                            DecodeBlock(reader, c, ((my * c.V + v) * c.StrideBlocks + mx * c.H + h) * 64);
            }
            reader.CheckNotOverrun();
        }
    }

    private void DecodeBlock(JpegBitReader reader, JpegComponent c, int offset)
    {
        var block = c.Coefficients.AsSpan(offset, 64);
        switch (_kind)
        {
            case ScanKind.Sequential: DecodeSequential(reader, c, block); break;
            case ScanKind.DcFirst: DecodeDcFirst(reader, c, block); break;
            case ScanKind.DcRefine: DecodeDcRefine(reader, block); break;
            case ScanKind.AcFirst: DecodeAcFirst(reader, c, block); break;
            default: DecodeAcRefine(reader, c, block); break;
        }
    }
}
