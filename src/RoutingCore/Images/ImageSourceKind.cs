namespace RoutingCore;

/// <summary>Where an image input comes from.</summary>
public enum ImageSourceKind : byte
{
    /// <summary>A remote URL (never fetched).</summary>
    Url = 0,
    /// <summary>Inline base64 data (a <c>data:</c> URI or an Anthropic base64 source).</summary>
    Data = 1,
}
