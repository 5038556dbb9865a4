namespace RoutingCore;

/// <summary>How a model reads image inputs and what it accepts.</summary>
public sealed class ImageInputOptions
{
    /// <summary>The token formula: <c>openai-tile</c>, <c>openai-patch</c>, <c>anthropic</c>, <c>gemini</c> or <c>flat</c>.</summary>
    public string? Formula { get; set; }
    /// <summary><c>openai-tile</c>: tokens per image (and for <c>detail: low</c>).</summary>
    public int? BaseTokens { get; set; }
    /// <summary><c>openai-tile</c>: tokens per 512-px tile; <c>gemini</c>: tokens per tile (default 258).</summary>
    public int? TileTokens { get; set; }
    /// <summary><c>openai-patch</c>: multiplier applied to the 32-px patch count.</summary>
    public double? Multiplier { get; set; }
    /// <summary><c>anthropic</c>: patch edge in pixels. Default 28.</summary>
    public int? PatchSize { get; set; }
    /// <summary><c>anthropic</c>: longest edge before resizing. Default 1568.</summary>
    public int? MaxEdge { get; set; }
    /// <summary><c>anthropic</c>: most tokens per image before resizing. Default 1568.</summary>
    public int? MaxTokens { get; set; }
    /// <summary><c>flat</c>: tokens per image.</summary>
    public int? TokensPerImage { get; set; }
    /// <summary>Accepted formats (<c>png</c>, <c>jpeg</c>, <c>webp</c>, <c>gif</c>, <c>heic</c>, …).</summary>
    public List<string> Formats { get; set; } = [];
    /// <summary>Whether animated images (GIF, APNG, animated WebP) are accepted.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool AnimatedGif { get; set; }
    /// <summary>Most images per request. 0 means unlimited.</summary>
    public int MaxImages { get; set; }
    /// <summary>Most decoded bytes per inline image. 0 means unlimited.</summary>
    public long MaxImageBytes { get; set; }
    /// <summary>Largest accepted width or height in pixels. 0 means unlimited.</summary>
    public int MaxDimension { get; set; }
    /// <summary>Reject images whose declared media type differs from their bytes.</summary>
    public bool StrictMediaType { get; set; }
    /// <summary>Width assumed for images of unknown size (URLs); with <see cref="AssumedHeight"/>. Default: the formula's most expensive case.</summary>
    public int? AssumedWidth { get; set; }
    /// <summary>Height assumed for images of unknown size.</summary>
    public int? AssumedHeight { get; set; }
}
