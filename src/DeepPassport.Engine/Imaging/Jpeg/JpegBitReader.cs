namespace DeepPassport.Engine.Imaging;

/// <summary>
/// Reads the entropy-coded bits of a scan (T.81 F.2.2.5): most significant bit first, a 0xFF data byte is
/// followed by a stuffed 0x00 that is dropped, and any other byte after 0xFF is a marker that ends the segment.
/// </summary>
/// <remarks>
/// At a marker or the end of the data the reader supplies zero bits so that a look-ahead of 16 bits never fails,
/// and counts them. A decoder that actually consumes one of those bits has run off the end of the segment:
/// <see cref="CheckNotOverrun"/> then reports the file as truncated or corrupt (we do not guess the missing data).
/// </remarks>
internal sealed class JpegBitReader
{
    private readonly byte[] _data;
    private readonly string _name;
    private int _pos;
    private ulong _buffer; // the low _count bits are the next bits of the stream, oldest first
    private int _count;
    private int _padding;  // how many of the low bits are zero padding added at a marker or the end

    public JpegBitReader(byte[] data, int position, string name)
    {
        _data = data;
        _pos = position;
        _name = name;
    }

    /// <summary>Index of the first byte not yet taken into the bit buffer (a marker, or the data's end).</summary>
    public int Position => _pos;

    /// <summary>An exception for a problem in the scan data, naming the file.</summary>
    public ImageFormatException Error(string problem) => new(_name, problem);

    private void Fill()
    {
        while (_count <= 56)
        {
            int b = 0;
            if (_padding == 0 && _pos < _data.Length)
            {
                b = _data[_pos];
                if (b == 0xFF)
                {
                    int next = _pos + 1 < _data.Length ? _data[_pos + 1] : -1;
                    if (next == 0x00) _pos += 2;               // stuffed byte: 0xFF 0x00 means data 0xFF
                    else { b = 0; _padding += 8; goto add; }   // marker (or 0xFF at the very end): stop here
                }
                else _pos++;
            }
            else _padding += 8;
        add:
            _buffer = (_buffer << 8) | (uint)b;
            _count += 8;
        }
    }

    /// <summary>The next <paramref name="n"/> (1..16) bits without consuming them.</summary>
    public int Peek(int n)
    {
        if (_count < n) Fill();
        return (int)(_buffer >> (_count - n)) & ((1 << n) - 1);
    }

    /// <summary>Consumes <paramref name="n"/> bits previously looked at with <see cref="Peek"/>.</summary>
    public void Skip(int n) => _count -= n;

    /// <summary>Reads <paramref name="n"/> (0..16) bits as an unsigned number.</summary>
    public int Receive(int n)
    {
        if (n == 0) return 0;
        int v = Peek(n);
        _count -= n;
        return v;
    }

    /// <summary>Reads one bit.</summary>
    public int Bit() => Receive(1);

    /// <summary>
    /// Reads an <paramref name="n"/>-bit magnitude category value and sign-extends it (T.81 F.2.2.1 EXTEND):
    /// values below 2^(n-1) stand for negative numbers v - 2^n + 1.
    /// </summary>
    public int ReceiveExtend(int n)
    {
        if (n == 0) return 0;
        int v = Receive(n);
        return v < 1 << (n - 1) ? v - (1 << n) + 1 : v;
    }

    /// <summary>Throws when the decoder has consumed padding bits, i.e. read past a marker or the end of the data.</summary>
    public void CheckNotOverrun()
    {
        if (_count < _padding)
            throw Error(_pos >= _data.Length
                ? "scan data ends early (file is truncated)"
                : "scan data is corrupt (a block runs into the next marker)");
    }

    /// <summary>
    /// Handles a restart interval boundary (T.81 F.2.1.3): drops the remaining bits of the byte-aligned interval
    /// and expects the marker RSTn with n = <paramref name="expected"/>.
    /// </summary>
    public void Restart(int expected)
    {
        CheckNotOverrun();
        _buffer = 0; _count = 0; _padding = 0;
        // Normally we stand at the marker; skip anything in between (extra bytes, fill bytes 0xFF) like libjpeg.
        while (_pos + 1 < _data.Length && !(_data[_pos] == 0xFF && _data[_pos + 1] is not (0x00 or 0xFF))) _pos++;
        if (_pos + 1 >= _data.Length) throw Error("scan data ends early (file is truncated)");
        int marker = _data[_pos + 1];
        if (_data[_pos] != 0xFF || marker != 0xD0 + expected)
            throw Error($"expected restart marker RST{expected} in scan data, found byte 0x{_data[_pos]:X2} 0x{marker:X2}");
        _pos += 2;
    }
}
