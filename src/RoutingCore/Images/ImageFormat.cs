namespace RoutingCore;

/// <summary>An image container format, as sniffed from its magic bytes or as declared by a media type.</summary>
public enum ImageFormat : byte
{
    /// <summary>Not recognised.</summary>
    Unknown = 0,
    /// <summary>PNG (and APNG).</summary>
    Png,
    /// <summary>JPEG (baseline, progressive, lossless).</summary>
    Jpeg,
    /// <summary>GIF 87a/89a.</summary>
    Gif,
    /// <summary>WebP (VP8, VP8L, VP8X).</summary>
    WebP,
    /// <summary>HEIC (HEVC-coded HEIF).</summary>
    Heic,
    /// <summary>HEIF (generic).</summary>
    Heif,
    /// <summary>AVIF.</summary>
    Avif,
    /// <summary>Windows bitmap.</summary>
    Bmp,
    /// <summary>TIFF.</summary>
    Tiff,
    /// <summary>SVG (XML text).</summary>
    Svg,
    /// <summary>Windows icon.</summary>
    Ico,
}
