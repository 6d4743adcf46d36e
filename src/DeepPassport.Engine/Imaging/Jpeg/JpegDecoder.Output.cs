namespace DeepPassport.Engine.Imaging;

// After the last scan: IDCT, upsampling and colour conversion into the output image.
internal sealed partial class JpegDecoder
{
    private Image Output()
    {
        int w = _width, h = _height;
        var planes = new byte[_components.Length][];
        for (int i = 0; i < _components.Length; i++)
        {
            var c = _components[i];
            byte[] samples = JpegIdct.ToSamples(c, out int stride);
            planes[i] = c.H == _maxH && c.V == _maxV
                ? Crop(samples, stride, w, h)
                : JpegUpsampler.Upsample(samples, stride, c, _maxH, _maxV, w, h);
        }
        if (planes.Length == 1) return new Image(w, h, 1, planes[0]);
        var rgb = new byte[(long)w * h * 3];
        JpegColorConverter.ToRgb(planes[0], planes[1], planes[2], IsRgb(), rgb);
        return new Image(w, h, 3, rgb);
    }

    /// <summary>
    /// Whether three components are RGB rather than YCbCr, decided like libjpeg: a JFIF header means YCbCr;
    /// else an Adobe APP14 transform flag (0 = RGB); else component identifiers 'R', 'G', 'B' mean RGB.
    /// </summary>
    private bool IsRgb()
    {
        if (_sawJfif) return false;
        if (_adobeTransform >= 0) return _adobeTransform == 0;
        return _components[0].Id == 'R' && _components[1].Id == 'G' && _components[2].Id == 'B';
    }

    /// <summary>The top-left <paramref name="w"/> x <paramref name="h"/> of a plane with <paramref name="stride"/> columns.</summary>
    private static byte[] Crop(byte[] plane, int stride, int w, int h)
    {
        if (stride == w && plane.Length == (long)w * h) return plane;
        var dst = new byte[(long)w * h];
        for (int y = 0; y < h; y++) Array.Copy(plane, (long)y * stride, dst, (long)y * w, w);
        return dst;
    }
}
