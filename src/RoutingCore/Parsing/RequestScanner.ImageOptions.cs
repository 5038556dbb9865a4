using System.Text.Json;

namespace RoutingCore.Parsing;

/// <summary>The scanner's readers of image-output options (spec R-IMG-*): <c>n</c>/<c>num_images</c>, sizes, aspect
/// ratio, resolution and quality, each validated where it is read.</summary>
internal ref partial struct RequestScanner
{
    private static readonly string[] s_imageConfigKeys =
        ["num_images", "size", "image_size", "quality", "aspect_ratio", "resolution", "seed", "rewrite_prompt"];

    private static readonly byte[][] s_imageConfigKeyBytes = [.. s_imageConfigKeys.Select(Encoding.UTF8.GetBytes)];

    private bool ReadNumImages(JsonParam param)
    {
        if (_reader.TokenType == JsonTokenType.Null) return true;
        if (!ReadCount(param, 128, out long value)) return false;
        _facts.NumImages = (int)value;
        return true;
    }

    private bool ReadAspectRatio(JsonParam param)
    {
        if (_reader.TokenType == JsonTokenType.Null) return true;
        if (_reader.TokenType != JsonTokenType.String) return Invalid(param, "must be a string such as \"2:3\".");
        if (!CheckString()) return false;
        if (_reader.ValueIsEscaped || !RequestNames.TryParseAspectRatio(_reader.ValueSpan, out int w, out int h))
            return Invalid(param, "must be W:H (for example \"2:3\").");
        _facts.AspectWidth = w; _facts.AspectHeight = h;
        return true;
    }

    private bool ReadResolution(JsonParam param)
    {
        if (_reader.TokenType == JsonTokenType.Null) return true;
        if (_reader.TokenType != JsonTokenType.String) return Invalid(param, "must be a string such as \"2K\".");
        if (!CheckString()) return false;
        var v = _reader.ValueSpan;
        if (_reader.ValueIsEscaped || v.Length == 0 || v.Length > RequestFacts.MaxResolutionBytes || !Ascii.IsValid(v))
            return Invalid(param, "must be a short resolution name such as \"1K\", \"2K\" or \"4K\".");
        Ascii.ToUpper(v, _facts.ResolutionBuffer, out int written);
        _facts.ResolutionLength = written;
        return true;
    }

    private bool ReadOutputSize(JsonParam param)
    {
        if (_reader.TokenType == JsonTokenType.Null) return true;
        if (_reader.TokenType != JsonTokenType.String) return Invalid(param, "must be a string such as \"1024x1024\".");
        if (!CheckString()) return false;
        var v = _reader.ValueSpan;
        if (Ascii.EqualsIgnoreCase(v, "auto"u8)) { _facts.OutputSizeAuto = true; return true; }
        if (!RequestNames.TryParseSize(v, out int w, out int h)) return Invalid(param, "must be WIDTHxHEIGHT (for example \"1024x1024\") or \"auto\".");
        if (_facts.OutputWidth == 0) { _facts.OutputWidth = w; _facts.OutputHeight = h; }
        return true;
    }

    private bool ReadOutputQuality(JsonParam param)
    {
        if (_reader.TokenType == JsonTokenType.Null) return true;
        if (_reader.TokenType != JsonTokenType.String) return Invalid(param, "must be a string.");
        if (!CheckString()) return false;
        if (!RequestNames.TryParseQuality(_reader.ValueSpan, out var q)) return Invalid(param, "must be one of auto, low, medium, high, standard, hd.");
        _facts.OutputQuality = q;
        return true;
    }
}
