namespace RoutingCore;

/// <summary>How a model generates images and what it charges per image.</summary>
public sealed class ImageOutputOptions
{
    /// <summary>Price of one image when no <see cref="Prices"/> key matches.</summary>
    public decimal? PricePerImage { get; set; }
    /// <summary>Most images per request. 0 means unlimited.</summary>
    public int MaxImages { get; set; }
    /// <summary>Size used when the request gives none (<c>WxH</c>).</summary>
    public string? DefaultSize { get; set; }
    /// <summary>Allowed sizes (<c>WxH</c>); empty means any.</summary>
    public List<string> Sizes { get; set; } = [];
    /// <summary>Token-billed image models (gpt-image-1): USD per million text input tokens, for metering a response's <c>usage</c>.</summary>
    public decimal? TextInputPerMillion { get; set; }
    /// <summary>Token-billed image models: USD per million image input tokens.</summary>
    public decimal? ImageInputPerMillion { get; set; }
    /// <summary>Token-billed image models: USD per million image output tokens. With it, a response's <c>usage</c> is billed by tokens rather than per image.</summary>
    public decimal? OutputPerMillion { get; set; }
    /// <summary>Allowed <c>image_config.aspect_ratio</c> values (<c>W:H</c>); empty means any.</summary>
    public List<string> AspectRatios { get; set; } = [];
    /// <summary>Allowed <c>image_config.resolution</c> values (for example <c>1K</c>, <c>2K</c>, <c>4K</c>; compared ignoring case); empty means any.</summary>
    public List<string> Resolutions { get; set; } = [];
    /// <summary>Prices keyed <c>WxH/quality</c>, <c>WxH</c> or <c>quality</c>.</summary>
    public Dictionary<string, decimal> Prices { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
