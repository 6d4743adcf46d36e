namespace DeepPassport.Engine.Imaging;

// Marker segments other than SOS: frame header, tables, restart interval, APPn that matter for colour and orientation.
internal sealed partial class JpegDecoder
{
    /// <summary>SOF0/1/2 (T.81 B.2.2): precision, size, components with sampling factors and quantization selectors.</summary>
    private void ReadFrameHeader(ReadOnlySpan<byte> s, bool progressive)
    {
        if (_components.Length > 0) throw Error("more than one frame header (SOF)");
        if (s.Length < 6) throw Error("frame header (SOF) is too short");
        int precision = s[0];
        int height = (s[1] << 8) | s[2];
        int width = (s[3] << 8) | s[4];
        int count = s[5];
        if (precision != 8) throw Error($"{precision}-bit sample precision is not supported (only 8-bit)");
        if (height == 0) throw Error("frame height 0 (height given by a DNL marker) is not supported");
        if (width == 0) throw Error("frame width is 0");
        if (count is < 1 or > 4) throw Error($"frame has {count} components; 1 to 4 are allowed");
        if (count == 2) throw Error("2-component JPEG is not supported");
        if (count == 4) throw Error("4-component (CMYK/YCCK) JPEG is not supported");
        if (s.Length != 6 + 3 * count) throw Error($"frame header (SOF) length {s.Length + 2} does not match {count} components");
        if ((long)width * height > Image.MaxPixels)
            throw Error($"frame of {width}x{height} pixels is larger than the limit of {Image.MaxPixels} pixels");

        var components = new JpegComponent[count];
        for (int i = 0; i < count; i++)
        {
            int id = s[6 + 3 * i], hv = s[7 + 3 * i], tq = s[8 + 3 * i];
            int h = hv >> 4, v = hv & 15;
            if (h is < 1 or > 4 || v is < 1 or > 4) throw Error($"component {id} has sampling factors {h}x{v}; 1 to 4 are allowed");
            if (tq > 3) throw Error($"component {id} uses quantization table {tq}; 0 to 3 are allowed");
            for (int j = 0; j < i; j++)
                if (components[j].Id == id) throw Error($"component identifier {id} appears twice in the frame header");
            components[i] = new JpegComponent(id, h, v, tq);
        }

        _width = width; _height = height; _progressive = progressive;
        _maxH = components.Max(c => c.H);
        _maxV = components.Max(c => c.V);
        // An interleaved MCU covers 8*Hmax x 8*Vmax pixels (T.81 A.2.4).
        _mcusPerLine = CeilDiv(width, 8 * _maxH);
        _mcuRows = CeilDiv(height, 8 * _maxV);

        long blocks = 0;
        foreach (var c in components)
        {
            c.Width = CeilDiv(width * c.H, _maxH);
            c.Height = CeilDiv(height * c.V, _maxV);
            c.BlocksPerLine = CeilDiv(c.Width, 8);
            c.BlocksPerColumn = CeilDiv(c.Height, 8);
            c.StrideBlocks = _mcusPerLine * c.H;
            c.RowsBlocks = _mcuRows * c.V;
            blocks += (long)c.BlocksPerLine * c.BlocksPerColumn;
        }
        // Every block costs at least one bit (its DC code), so a header that claims more blocks than the file has
        // bits is a lie; refusing it here keeps a tiny hostile file from making us allocate the whole frame.
        if (blocks > 8L * _data.Length)
            throw Error($"frame of {width}x{height} pixels needs at least {blocks / 8} bytes of scan data, but the file has {_data.Length} bytes");
        foreach (var c in components)
            c.Coefficients = new short[(long)c.StrideBlocks * c.RowsBlocks * 64];
        _components = components;
    }

    /// <summary>DHT (T.81 B.2.4.2): one or more tables, each class/destination, 16 counts, then the symbols.</summary>
    private void ReadHuffmanTables(ReadOnlySpan<byte> s)
    {
        while (s.Length > 0)
        {
            if (s.Length < 17) throw Error("Huffman table (DHT) is cut short");
            int tc = s[0] >> 4, th = s[0] & 15;
            if (tc > 1 || th > 3) throw Error($"Huffman table class {tc} / destination {th} is invalid");
            var counts = s.Slice(1, 16);
            int total = 0;
            foreach (byte n in counts) total += n;
            if (total > 256) throw Error($"Huffman table declares {total} codes; at most 256 are allowed");
            if (s.Length < 17 + total) throw Error("Huffman table (DHT) symbols are cut short");
            var table = JpegHuffmanTable.Build(counts, s.Slice(17, total), out string? problem)
                ?? throw Error(problem ?? "invalid Huffman table");
            (tc == 0 ? _dcTables : _acTables)[th] = table;
            s = s[(17 + total)..];
        }
    }

    /// <summary>DQT (T.81 B.2.4.1): tables of 64 8-bit or 16-bit values in zig-zag order.</summary>
    private void ReadQuantTables(ReadOnlySpan<byte> s)
    {
        while (s.Length > 0)
        {
            int pq = s[0] >> 4, tq = s[0] & 15;
            if (pq > 1 || tq > 3) throw Error($"quantization table precision {pq} / destination {tq} is invalid");
            int size = 1 + 64 * (pq + 1);
            if (s.Length < size) throw Error("quantization table (DQT) is cut short");
            var table = new ushort[64];
            for (int k = 0; k < 64; k++)
                table[JpegZigZag.ToNatural[k]] = pq == 0 ? s[1 + k] : (ushort)((s[1 + 2 * k] << 8) | s[2 + 2 * k]);
            _quant[tq] = table;
            s = s[size..];
        }
    }

    /// <summary>DRI (T.81 B.2.4.4): MCUs per restart interval, 0 for none.</summary>
    private void ReadRestartInterval(ReadOnlySpan<byte> s)
    {
        if (s.Length != 2) throw Error($"restart interval (DRI) segment has length {s.Length + 2}, expected 4");
        _restartInterval = (s[0] << 8) | s[1];
    }

    /// <summary>APP0: a JFIF header means the three components are YCbCr.</summary>
    private void ReadJfif(ReadOnlySpan<byte> s)
    {
        if (s.Length >= 5 && s[..5].SequenceEqual("JFIF\0"u8)) _sawJfif = true;
    }

    /// <summary>APP14 "Adobe": byte 11 is the colour transform (0 = none, i.e. RGB for 3 components; 1 = YCbCr).</summary>
    private void ReadAdobe(ReadOnlySpan<byte> s)
    {
        if (s.Length >= 12 && s[..5].SequenceEqual("Adobe"u8)) _adobeTransform = s[11];
    }

    /// <summary>APP1 "Exif": keeps the orientation tag of IFD0 (the first one found).</summary>
    private void ReadExif(ReadOnlySpan<byte> s)
    {
        if (_exifOrientation == 1 && s.Length >= 6 && s[..6].SequenceEqual("Exif\0\0"u8))
            _exifOrientation = ExifOrientation.Read(s[6..]);
    }

    private static int CeilDiv(int a, int b) => (int)(((long)a + b - 1) / b);
}
