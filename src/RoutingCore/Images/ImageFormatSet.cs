namespace RoutingCore;

/// <summary>A set of <see cref="ImageFormat"/> values.</summary>
[Flags]
public enum ImageFormatSet : ushort
{
    /// <summary>No format.</summary>
    None = 0,
    /// <summary>PNG.</summary>
    Png = 1 << ImageFormat.Png,
    /// <summary>JPEG.</summary>
    Jpeg = 1 << ImageFormat.Jpeg,
    /// <summary>GIF.</summary>
    Gif = 1 << ImageFormat.Gif,
    /// <summary>WebP.</summary>
    WebP = 1 << ImageFormat.WebP,
    /// <summary>HEIC.</summary>
    Heic = 1 << ImageFormat.Heic,
    /// <summary>HEIF.</summary>
    Heif = 1 << ImageFormat.Heif,
    /// <summary>AVIF.</summary>
    Avif = 1 << ImageFormat.Avif,
    /// <summary>BMP.</summary>
    Bmp = 1 << ImageFormat.Bmp,
    /// <summary>TIFF.</summary>
    Tiff = 1 << ImageFormat.Tiff,
    /// <summary>SVG.</summary>
    Svg = 1 << ImageFormat.Svg,
    /// <summary>ICO.</summary>
    Ico = 1 << ImageFormat.Ico,
}
