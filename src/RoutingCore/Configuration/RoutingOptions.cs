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
