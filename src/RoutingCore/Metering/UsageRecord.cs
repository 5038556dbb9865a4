namespace RoutingCore;

/// <summary>
/// Actual usage and cost of one call, read from the provider's response and priced by the decision's catalog
/// snapshot (spec R-METER-*). A value: producing it allocates nothing.
/// </summary>
public readonly struct UsageRecord
{
    internal UsageRecord(ModelEntry? model, UsageSource source, long input, long cached, long cacheWrite, long output, long reasoning,
        int images, long computePoints, long costPico, long estimatePico, bool complete, bool estimated, string? error)
    {
        Model = model; Source = source; InputTokens = input; CachedInputTokens = cached; CacheWriteTokens = cacheWrite;
        OutputTokens = output; ReasoningTokens = reasoning; Images = images; ComputePointsUsed = computePoints;
        CostPicoUsd = costPico; EstimatedCostPicoUsd = estimatePico; Complete = complete; Estimated = estimated; ErrorType = error;
    }

    /// <summary>The model the call was priced for (the chosen model or the fallback that served).</summary>
    public ModelEntry? Model { get; }

    /// <summary>The response shape.</summary>
    public UsageSource Source { get; }

    /// <summary>Uncached input tokens: <c>InputTokens + CachedInputTokens + CacheWriteTokens</c> is the provider's whole input.</summary>
    public long InputTokens { get; }

    /// <summary>Cached input tokens (OpenAI <c>cached_tokens</c>, Anthropic <c>cache_read_input_tokens</c>).</summary>
    public long CachedInputTokens { get; }

    /// <summary>Cache-write tokens (Anthropic <c>cache_creation_input_tokens</c>).</summary>
    public long CacheWriteTokens { get; }

    /// <summary>Output tokens, reasoning included.</summary>
    public long OutputTokens { get; }

    /// <summary>Reasoning tokens (inside <see cref="OutputTokens"/>, never billed twice).</summary>
    public long ReasoningTokens { get; }

    /// <summary>Images generated.</summary>
    public int Images { get; }

    /// <summary>RouteLLM's <c>compute_points_used</c> as reported (no USD rate is published); -1 when absent.</summary>
    public long ComputePointsUsed { get; }

    /// <summary>The actual cost in pico-dollars (10⁻¹² USD, exact).</summary>
    public long CostPicoUsd { get; }

    /// <summary>The decision's estimate in pico-dollars.</summary>
    public long EstimatedCostPicoUsd { get; }

    /// <summary>The actual cost in USD (exact).</summary>
    public decimal CostUsd => Estimation.Money.ToUsd(CostPicoUsd);

    /// <summary>The decision's estimate in USD.</summary>
    public decimal EstimatedCostUsd => Estimation.Money.ToUsd(EstimatedCostPicoUsd);

    /// <summary>Actual ÷ estimate, or <c>NaN</c> when the estimate is zero.</summary>
    public double Ratio => EstimatedCostPicoUsd == 0 ? double.NaN : (double)CostPicoUsd / EstimatedCostPicoUsd;

    /// <summary>
    /// True when the whole response was read and its usage was well formed (a stream reached its end marker).
    /// False for a truncated or malformed body, a cut stream, a skipped over-long line, or invalid usage counts.
    /// </summary>
    public bool Complete { get; }

    /// <summary>True when usage was not reported and was counted instead (streamed text through the token counter; input from the estimate).</summary>
    public bool Estimated { get; }

    /// <summary>The provider's error type for an error body (<c>rate_limit_error</c>, <c>overloaded_error</c>, …); <c>null</c> otherwise.</summary>
    public string? ErrorType { get; }

    /// <summary>The wire name of a source: <c>openai-chat</c>, <c>openai-chat-stream</c>, <c>openai-images</c>, <c>anthropic</c>, <c>anthropic-stream</c>, <c>routellm</c>, <c>unknown</c>.</summary>
    public static string SourceName(UsageSource source) => source switch
    {
        UsageSource.OpenAIChat => "openai-chat",
        UsageSource.OpenAIChatStream => "openai-chat-stream",
        UsageSource.OpenAIResponses => "openai-responses",
        UsageSource.OpenAIResponsesStream => "openai-responses-stream",
        UsageSource.OpenAIImages => "openai-images",
        UsageSource.Anthropic => "anthropic",
        UsageSource.AnthropicStream => "anthropic-stream",
        UsageSource.RouteLlm => "routellm",
        _ => "unknown",
    };
}
