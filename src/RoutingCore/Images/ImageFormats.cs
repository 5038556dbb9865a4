namespace RoutingCore;

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
