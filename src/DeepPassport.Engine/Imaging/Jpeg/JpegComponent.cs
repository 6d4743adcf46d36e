namespace DeepPassport.Engine.Imaging;

/// <summary>One colour component of a frame (T.81 B.2.2) and its quantized DCT coefficients.</summary>
internal sealed class JpegComponent
{
    public JpegComponent(int id, int h, int v, int quantTableIndex)
    {
        Id = id; H = h; V = v; QuantTableIndex = quantTableIndex;
    }

    /// <summary>Component identifier Ci, as scans refer to it.</summary>
    public int Id { get; }
    /// <summary>Horizontal sampling factor (1..4).</summary>
    public int H { get; }
    /// <summary>Vertical sampling factor (1..4).</summary>
    public int V { get; }
    /// <summary>Quantization table selector Tq (0..3).</summary>
    public int QuantTableIndex { get; }

    /// <summary>Samples per line of this component: ceil(X * H / Hmax) (T.81 A.1.1).</summary>
    public int Width { get; set; }
    /// <summary>Lines of this component: ceil(Y * V / Vmax).</summary>
    public int Height { get; set; }
    /// <summary>Blocks per line that a non-interleaved scan codes: ceil(Width / 8).</summary>
    public int BlocksPerLine { get; set; }
    /// <summary>Block rows that a non-interleaved scan codes: ceil(Height / 8).</summary>
    public int BlocksPerColumn { get; set; }
    /// <summary>Blocks per line in the stored coefficients, padded to whole MCUs of an interleaved scan.</summary>
    public int StrideBlocks { get; set; }
    /// <summary>Block rows in the stored coefficients, padded to whole MCUs.</summary>
    public int RowsBlocks { get; set; }

    /// <summary>Quantized coefficients, 64 per block in natural order, blocks row by row.</summary>
    public short[] Coefficients { get; set; } = [];

    /// <summary>The quantization table in natural order, copied when the component's first scan starts.</summary>
    public ushort[]? Quant { get; set; }

    /// <summary>DC predictor of the current scan (T.81 F.2.1.3.1).</summary>
    public int DcPredictor { get; set; }
    /// <summary>DC and AC Huffman tables selected by the current scan.</summary>
    public JpegHuffmanTable? DcTable { get; set; }
    public JpegHuffmanTable? AcTable { get; set; }
}
