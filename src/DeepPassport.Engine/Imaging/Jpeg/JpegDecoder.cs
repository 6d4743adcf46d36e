namespace DeepPassport.Engine.Imaging;

/// <summary>
/// Decodes one JPEG file (T.81 Huffman-coded, 8-bit, sequential or progressive) into an <see cref="Image"/>.
/// The class is split over several files: the marker loop here, then headers, scans, block decoders,
/// IDCT, upsampling + colour conversion and EXIF orientation in their own files.
/// </summary>
/// <remarks>
/// Every scan decodes into per-component coefficient arrays; pixels are produced once after the last scan.
/// That one path serves sequential and progressive files alike. A scan that runs into the end of the data is
/// an error (we do not return partly grey images).
/// </remarks>
internal sealed partial class JpegDecoder
{
    /// <summary>Refuse files with more scans than this: each scan visits every block, so a hostile file of many tiny scans would be slow.</summary>
    public const int MaxScans = 256;

    private readonly byte[] _data;
    private readonly string _name;
    private int _pos;

    private readonly ushort[]?[] _quant = new ushort[4][];
    private readonly JpegHuffmanTable?[] _dcTables = new JpegHuffmanTable[4];
    private readonly JpegHuffmanTable?[] _acTables = new JpegHuffmanTable[4];
    private int _restartInterval;

    private JpegComponent[] _components = [];
    private bool _progressive;
    private int _width, _height, _maxH, _maxV, _mcusPerLine, _mcuRows;
    private int _scanCount;

    private bool _sawJfif;
    private int _adobeTransform = -1;
    private int _exifOrientation = 1;

    private JpegDecoder(byte[] data, string name)
    {
        _data = data;
        _name = name;
    }

    /// <summary>Decodes <paramref name="data"/>; <paramref name="name"/> is used in error messages.</summary>
    public static Image Decode(byte[] data, string name, bool applyExifOrientation)
    {
        var decoder = new JpegDecoder(data, name);
        decoder.ReadAll();
        Image image = decoder.Output();
        return applyExifOrientation ? ExifOrientation.Apply(image, decoder._exifOrientation) : image;
    }

    private ImageFormatException Error(string problem) => new(_name, problem);

    /// <summary>Walks the markers from SOI to EOI (or the end of the data after at least one scan).</summary>
    private void ReadAll()
    {
        if (_data.Length < 4 || _data[0] != 0xFF || _data[1] != 0xD8) throw Error("not a JPEG file (no SOI marker at the start)");
        _pos = 2;
        while (true)
        {
            int marker = NextMarker();
            if (marker < 0)
            {
                if (_scanCount > 0) return; // a missing EOI after complete scans is harmless
                throw Error(_components.Length == 0 ? "file ends before the frame header" : "file ends before any scan");
            }
            switch (marker)
            {
                case 0xD9: // EOI
                    if (_scanCount == 0) throw Error("end of image before any scan");
                    return;
                case 0xC0 or 0xC1 or 0xC2: ReadFrameHeader(Segment(), progressive: marker == 0xC2); break;
                case 0xC3: throw Error("lossless JPEG is not supported");
                case 0xC5 or 0xC6 or 0xC7: throw Error("hierarchical (differential) JPEG is not supported");
                case 0xC9 or 0xCA or 0xCB or 0xCD or 0xCE or 0xCF or 0xCC: throw Error("arithmetic-coded JPEG is not supported");
                case 0xC4: ReadHuffmanTables(Segment()); break;
                case 0xDB: ReadQuantTables(Segment()); break;
                case 0xDD: ReadRestartInterval(Segment()); break;
                case 0xDA: ReadScan(Segment()); break;
                case 0xE0: ReadJfif(Segment()); break;
                case 0xE1: ReadExif(Segment()); break;
                case 0xEE: ReadAdobe(Segment()); break;
                case >= 0xD0 and <= 0xD7: break; // stray RSTn outside a scan: no segment, nothing to do
                case 0x01 or 0xD8: break;         // TEM, repeated SOI: no segment
                default: Segment(); break;        // APPn, COM, DNL, JPGn, ...: skip
            }
        }
    }

    /// <summary>
    /// Finds the next marker from the current position and returns its code, or -1 at the end of the data.
    /// Bytes that are not a marker are skipped, as are fill bytes 0xFF (T.81 B.1.1.2).
    /// </summary>
    private int NextMarker()
    {
        while (_pos + 1 < _data.Length)
        {
            if (_data[_pos] == 0xFF && _data[_pos + 1] is not (0x00 or 0xFF))
            {
                int code = _data[_pos + 1];
                _pos += 2;
                return code;
            }
            _pos++;
        }
        _pos = _data.Length;
        return -1;
    }

    /// <summary>The payload of the marker segment at the current position (after the 2-byte length), and moves past it.</summary>
    private ReadOnlySpan<byte> Segment()
    {
        if (_pos + 2 > _data.Length) throw Error("marker segment length is cut off by the end of the file");
        int length = (_data[_pos] << 8) | _data[_pos + 1];
        if (length < 2) throw Error($"marker segment length {length} is less than 2");
        if (_pos + length > _data.Length) throw Error($"marker segment of {length} bytes runs past the end of the file");
        var span = new ReadOnlySpan<byte>(_data, _pos + 2, length - 2);
        _pos += length;
        return span;
    }
}
