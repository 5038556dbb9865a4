namespace RoutingCore;

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
