namespace RoutingCore;

/// <summary>The JSON shape an image arrived in; decides how its JSON path is written.</summary>
public enum ImagePartShape : byte
{
    /// <summary>OpenAI <c>{"type":"image_url","image_url":{"url":…}}</c>.</summary>
    OpenAIImageUrl = 0,
    /// <summary>OpenAI <c>{"type":"image_url","image_url":"…"}</c> (bare string).</summary>
    OpenAIImageUrlString,
    /// <summary>Anthropic <c>{"type":"image","source":{…}}</c>.</summary>
    AnthropicImage,
}
