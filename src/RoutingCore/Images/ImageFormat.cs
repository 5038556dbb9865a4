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

/// <summary>Names and media types of <see cref="ImageFormat"/> values.</summary>
public static class ImageFormats
{
    private static readonly string[] s_names = ["unknown", "png", "jpeg", "gif", "webp", "heic", "heif", "avif", "bmp", "tiff", "svg", "ico"];
    private static readonly string[] s_mediaTypes =
        ["application/octet-stream", "image/png", "image/jpeg", "image/gif", "image/webp", "image/heic", "image/heif", "image/avif", "image/bmp", "image/tiff", "image/svg+xml", "image/x-icon"];

    /// <summary>The lower-case short name of a format (<c>png</c>, <c>jpeg</c>, …).</summary>
    public static string Name(ImageFormat format) => s_names[(int)format];

    /// <summary>The canonical media type of a format.</summary>
    public static string MediaType(ImageFormat format) => s_mediaTypes[(int)format];

    /// <summary>The set holding one format.</summary>
    public static ImageFormatSet ToSet(ImageFormat format) => format == ImageFormat.Unknown ? ImageFormatSet.None : (ImageFormatSet)(1 << (int)format);

    /// <summary>Parses a short name (<c>png</c>, <c>jpg</c>, <c>jpeg</c>, …), case-insensitively.</summary>
    public static bool TryParseName(string? name, out ImageFormat format)
    {
        format = ImageFormat.Unknown;
        if (string.IsNullOrWhiteSpace(name)) return false;
        var n = name.Trim();
        if (n.Equals("jpg", StringComparison.OrdinalIgnoreCase)) { format = ImageFormat.Jpeg; return true; }
        if (n.Equals("tif", StringComparison.OrdinalIgnoreCase)) { format = ImageFormat.Tiff; return true; }
        for (int i = 1; i < s_names.Length; i++)
        {
            if (n.Equals(s_names[i], StringComparison.OrdinalIgnoreCase)) { format = (ImageFormat)i; return true; }
        }
        return false;
    }

    /// <summary>Maps a declared media type (<c>image/png</c>) to a format; <see cref="ImageFormat.Unknown"/> when not an image type known here.</summary>
    public static ImageFormat FromMediaType(ReadOnlySpan<byte> mediaType)
    {
        if (mediaType.Length < 7 || !Ascii.EqualsIgnoreCase(mediaType[..6], "image/"u8)) return ImageFormat.Unknown;
        var sub = mediaType[6..];
        if (Ascii.EqualsIgnoreCase(sub, "png"u8) || Ascii.EqualsIgnoreCase(sub, "apng"u8)) return ImageFormat.Png;
        if (Ascii.EqualsIgnoreCase(sub, "jpeg"u8) || Ascii.EqualsIgnoreCase(sub, "jpg"u8) || Ascii.EqualsIgnoreCase(sub, "pjpeg"u8)) return ImageFormat.Jpeg;
        if (Ascii.EqualsIgnoreCase(sub, "gif"u8)) return ImageFormat.Gif;
        if (Ascii.EqualsIgnoreCase(sub, "webp"u8)) return ImageFormat.WebP;
        if (Ascii.EqualsIgnoreCase(sub, "heic"u8) || Ascii.EqualsIgnoreCase(sub, "heic-sequence"u8)) return ImageFormat.Heic;
        if (Ascii.EqualsIgnoreCase(sub, "heif"u8) || Ascii.EqualsIgnoreCase(sub, "heif-sequence"u8)) return ImageFormat.Heif;
        if (Ascii.EqualsIgnoreCase(sub, "avif"u8)) return ImageFormat.Avif;
        if (Ascii.EqualsIgnoreCase(sub, "bmp"u8) || Ascii.EqualsIgnoreCase(sub, "x-ms-bmp"u8)) return ImageFormat.Bmp;
        if (Ascii.EqualsIgnoreCase(sub, "tiff"u8)) return ImageFormat.Tiff;
        if (Ascii.EqualsIgnoreCase(sub, "svg+xml"u8)) return ImageFormat.Svg;
        if (Ascii.EqualsIgnoreCase(sub, "x-icon"u8) || Ascii.EqualsIgnoreCase(sub, "vnd.microsoft.icon"u8)) return ImageFormat.Ico;
        return ImageFormat.Unknown;
    }
}
