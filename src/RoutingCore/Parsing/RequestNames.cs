namespace RoutingCore;

/// <summary>Names of endpoints and qualities.</summary>
public static class RequestNames
{
    /// <summary>The short name of an endpoint as the CLI prints it (<c>chat</c>, <c>messages</c>, <c>images</c>).</summary>
    public static string Endpoint(RequestEndpoint endpoint) => endpoint switch
    {
        RequestEndpoint.ChatCompletions => "chat",
        RequestEndpoint.Messages => "messages",
        RequestEndpoint.ImageGenerations => "images",
        RequestEndpoint.Responses => "responses",
        _ => "auto",
    };

    /// <summary>The wire name of a quality, or null when unspecified.</summary>
    public static string? Quality(ImageQuality quality) => quality switch
    {
        ImageQuality.Auto => "auto",
        ImageQuality.Low => "low",
        ImageQuality.Medium => "medium",
        ImageQuality.High => "high",
        ImageQuality.Standard => "standard",
        ImageQuality.Hd => "hd",
        _ => null,
    };

    /// <summary>Parses a quality name, case-insensitively.</summary>
    public static bool TryParseQuality(ReadOnlySpan<byte> s, out ImageQuality quality)
    {
        quality = ImageQuality.Unspecified;
        if (Ascii.EqualsIgnoreCase(s, "auto"u8)) quality = ImageQuality.Auto;
        else if (Ascii.EqualsIgnoreCase(s, "low"u8)) quality = ImageQuality.Low;
        else if (Ascii.EqualsIgnoreCase(s, "medium"u8)) quality = ImageQuality.Medium;
        else if (Ascii.EqualsIgnoreCase(s, "high"u8)) quality = ImageQuality.High;
        else if (Ascii.EqualsIgnoreCase(s, "standard"u8)) quality = ImageQuality.Standard;
        else if (Ascii.EqualsIgnoreCase(s, "hd"u8)) quality = ImageQuality.Hd;
        else return false;
        return true;
    }

    /// <summary>Parses a quality name, case-insensitively.</summary>
    public static bool TryParseQuality(string? s, out ImageQuality quality)
    {
        quality = ImageQuality.Unspecified;
        return s is not null && s.Length < 16 && TryParseQuality(System.Text.Encoding.ASCII.GetBytes(s), out quality);
    }

    /// <summary>Parses <c>WxH</c> (for example <c>1024x1536</c>) into positive dimensions.</summary>
    public static bool TryParseSize(ReadOnlySpan<byte> s, out int width, out int height)
    {
        width = height = 0;
        int x = s.IndexOfAny((byte)'x', (byte)'X');
        return x > 0
            && System.Buffers.Text.Utf8Parser.TryParse(s[..x], out width, out int c1) && c1 == x && width > 0 && width <= 100_000
            && System.Buffers.Text.Utf8Parser.TryParse(s[(x + 1)..], out height, out int c2) && c2 == s.Length - x - 1 && height > 0 && height <= 100_000;
    }

    /// <summary>Parses an aspect ratio <c>W:H</c> (for example <c>2:3</c>) into positive terms up to 1000.</summary>
    public static bool TryParseAspectRatio(ReadOnlySpan<byte> s, out int width, out int height)
    {
        width = height = 0;
        int x = s.IndexOf((byte)':');
        return x > 0
            && System.Buffers.Text.Utf8Parser.TryParse(s[..x], out width, out int c1) && c1 == x && width is > 0 and <= 1000
            && System.Buffers.Text.Utf8Parser.TryParse(s[(x + 1)..], out height, out int c2) && c2 == s.Length - x - 1 && height is > 0 and <= 1000;
    }

    /// <summary>Parses <c>W:H</c>.</summary>
    public static bool TryParseAspectRatio(string? s, out int width, out int height)
    {
        width = height = 0;
        return s is not null && s.Length < 16 && TryParseAspectRatio(System.Text.Encoding.ASCII.GetBytes(s.Trim()), out width, out height);
    }

    /// <summary>Parses <c>WxH</c>.</summary>
    public static bool TryParseSize(string? s, out int width, out int height)
    {
        width = height = 0;
        return s is not null && s.Length < 32 && TryParseSize(System.Text.Encoding.ASCII.GetBytes(s.Trim()), out width, out height);
    }
}
