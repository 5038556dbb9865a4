namespace RoutingCore;

/// <summary>
/// The catalog and routing settings, bound from the <c>Routing</c> configuration section. Models and aliases are
/// dictionaries keyed by id (case-insensitive), so one environment file can override one model.
/// </summary>
public sealed class RoutingOptions
{
    /// <summary>The default configuration section name: <c>Routing</c>.</summary>
    public const string DefaultSectionName = "Routing";

    /// <summary>Models by id.</summary>
    public Dictionary<string, ModelOptions> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Aliases by id (<c>flux-auto</c>, <c>flux-fast</c>, …).</summary>
    public Dictionary<string, AliasOptions> Aliases { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The scoring policy by name.</summary>
    /// <value>The default is <c>balanced</c>; <c>cheapest</c> and <c>quality</c> also ship, and hosts may register more.</value>
    public string Policy { get; set; } = "balanced";

    /// <summary>The difficulty estimator by name (spec R-DIFF-4).</summary>
    /// <value>The default is <c>fitted</c>, the built-in estimator; hosts may register more (<see cref="IDifficultyEstimator"/>).</value>
    public string DifficultyEstimator { get; set; } = DifficultyEstimators.DefaultName;

    /// <summary>When text is counted exactly for models with a <see cref="ModelOptions.Tokenizer"/> and a registered <see cref="IExactTokenCounter"/> (spec R-EST-12).</summary>
    /// <value>The default is <see cref="ExactTokensMode.WhenNeeded"/>: only when the heuristic upper bound would refuse a candidate for its context window or the cost cap.</value>
    public ExactTokensMode ExactTokens { get; set; } = ExactTokensMode.WhenNeeded;

    /// <summary>Whether <c>http:</c> image URLs are accepted.</summary>
    /// <value>The default is <see langword="false"/>: only <c>https:</c> and <c>data:</c>.</value>
    public bool AllowHttpImageUrls { get; set; }

    /// <summary>How many ranked fallbacks an alias decision carries.</summary>
    /// <value>The default is 3.</value>
    public int MaxFallbacks { get; set; } = 3;

    /// <summary>The date the catalog's figures are as of (informational, shown by <c>routingcore models</c>).</summary>
    public string? AsOf { get; set; }

    /// <summary>
    /// Whether the forwardable body of an OpenAI chat request with <c>"stream": true</c> and no <c>stream_options</c>
    /// gets <c>"stream_options":{"include_usage":true}</c>, so the streamed response carries a usage chunk to meter.
    /// </summary>
    /// <value>The default is <see langword="false"/>: the body is forwarded with only <c>model</c> replaced.</value>
    public bool IncludeStreamUsage { get; set; }
}

/// <summary>One model of the catalog.</summary>
public sealed class ModelOptions
{
    /// <summary>Who serves it (<c>openai</c>, <c>anthropic</c>, …); also the accepted id prefix (<c>openai/gpt-5</c>).</summary>
    public string? Provider { get; set; }
    /// <summary>The tier tier aliases select by (<c>fast</c>, <c>standard</c>, <c>reasoning</c>, <c>image</c>, …).</summary>
    /// <value>Optional. A model without a tier is in no tier alias; <c>auto</c> and <c>image</c> aliases still consider it.</value>
    public string? Tier { get; set; }
    /// <summary>The public encoding of the model's tokenizer: <c>o200k_base</c> or <c>cl100k_base</c> (spec R-EST-12).</summary>
    /// <value>Optional; without it the model's text is priced by the heuristic upper bound only.</value>
    public string? Tokenizer { get; set; }
    /// <summary>Relative quality in [0, 1] used by the <c>balanced</c> and <c>quality</c> policies.</summary>
    /// <value>The default is 0.5.</value>
    public double Quality { get; set; } = 0.5;
    /// <summary>Capabilities: <c>text</c>, <c>vision</c>, <c>image_output</c>, <c>tools</c>, <c>json_schema</c>, <c>reasoning</c>.</summary>
    public List<string> Capabilities { get; set; } = [];
    /// <summary>Context window in tokens (input plus output). 0 means unlimited.</summary>
    public long ContextWindow { get; set; }
    /// <summary>Largest <c>max_tokens</c> the model accepts. 0 means unlimited.</summary>
    public long MaxOutputTokens { get; set; }
    /// <summary>Output tokens assumed when the request gives no <c>max_tokens</c>.</summary>
    /// <value>The default is 0 (image models).</value>
    public long DefaultOutputTokens { get; set; }
    /// <summary>USD per million input tokens.</summary>
    /// <value>Required for a model with the <c>text</c> capability (0 is a valid, explicit price); optional otherwise (0).</value>
    public decimal? InputPerMillion { get; set; }
    /// <summary>USD per million output tokens.</summary>
    /// <value>Required for a model with the <c>text</c> capability (0 is a valid, explicit price); optional otherwise (0).</value>
    public decimal? OutputPerMillion { get; set; }
    /// <summary>USD per million cached input tokens (OpenAI and Gemini cached input, Anthropic cache reads), used when metering.</summary>
    /// <value>Optional; cached tokens are priced as input where absent.</value>
    public decimal? CachedInputPerMillion { get; set; }
    /// <summary>USD per million cache-write tokens (Anthropic <c>cache_creation_input_tokens</c>), used when metering.</summary>
    /// <value>Optional; cache writes are priced as input where absent.</value>
    public decimal? CacheWritePerMillion { get; set; }
    /// <summary>The id the provider expects, written into the forwarded body in place of the requested alias or id.</summary>
    /// <value>The default is the catalog id. Must not contain <c>"</c>, <c>\</c> or control characters (it is written as a plain JSON string).</value>
    public string? UpstreamModel { get; set; }
    /// <summary>The request shapes the model's upstream accepts as-is: <c>chat</c>, <c>messages</c>, <c>images</c>.</summary>
    /// <value>The default depends on <see cref="Provider"/> (see <see cref="EndpointNames.DefaultFor"/>): openai takes chat, images and responses, google takes chat and
    /// images, anthropic takes messages and chat, any other provider takes every shape.</value>
    public List<string>? Endpoints { get; set; }
    /// <summary>How the model reads images; required for <c>vision</c>.</summary>
    public ImageInputOptions? ImageInput { get; set; }
    /// <summary>How the model generates images; required for <c>image_output</c>.</summary>
    public ImageOutputOptions? ImageOutput { get; set; }
    /// <summary>True when some of the figures have no primary source.</summary>
    public bool Unconfirmed { get; set; }
    /// <summary>Free-form notes (sources, what is unconfirmed).</summary>
    public string? Notes { get; set; }
}

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

/// <summary>An alias the request's <c>model</c> may name.</summary>
public sealed class AliasOptions
{
    /// <summary><c>auto</c>, <c>tier</c>, <c>image</c> or <c>pinned</c>.</summary>
    public string? Kind { get; set; }
    /// <summary>The tier of a <c>tier</c> alias.</summary>
    public string? Tier { get; set; }
    /// <summary>The model of a <c>pinned</c> alias.</summary>
    public string? Model { get; set; }
    /// <summary>
    /// An <c>auto</c> alias's trade-off in [0, 1] (spec R-DIFF-5): 0 = the cheapest eligible model, 1 = the
    /// highest-quality eligible model; in between, the request's difficulty sets a required quality and the cheapest
    /// candidate that meets it serves (the highest-quality one when none does).
    /// </summary>
    /// <value>The default is <see langword="null"/>: the policy's static ranking (difficulty is still reported).</value>
    public double? Tradeoff { get; set; }
    /// <summary>
    /// What an <c>auto</c> alias's difficulty is a percentile of (spec R-DIFF-8): <c>Reference</c> (the default, the
    /// reference mix shipped with the weights) or <c>Live</c> (this alias's recent traffic).
    /// </summary>
    public DifficultyCalibration Calibration { get; set; }
    /// <summary>Free-form description shown in the models list.</summary>
    public string? Description { get; set; }
}
