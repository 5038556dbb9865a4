namespace RoutingCore;

/// <summary>What a request is estimated to cost on one model.</summary>
/// <param name="TextTokens">Text input tokens (messages, system, tools, unknown parts, per-message overhead).</param>
/// <param name="ImageTokens">Image input tokens by the model's own formula.</param>
/// <param name="OutputTokens"><c>max_tokens</c> (or the model's default) times the number of completions.</param>
/// <param name="OutputImages">Generated images.</param>
/// <param name="CostPicoUsd">input × input price + output × output price + images × image price, in pico-dollars (10⁻¹² USD, exact).</param>
/// <param name="ImageSizesAssumed">True when at least one image's size was unknown and assumed.</param>
public readonly record struct CostEstimate(long TextTokens, long ImageTokens, long OutputTokens, int OutputImages, long CostPicoUsd, bool ImageSizesAssumed)
{
    /// <summary>The cost in USD.</summary>
    public decimal CostUsd => Estimation.Money.ToUsd(CostPicoUsd);

    /// <summary>Text plus image tokens.</summary>
    public long InputTokens => TextTokens + ImageTokens;

    /// <summary>True when <see cref="TextTokens"/> is the exact count of the model's public tokenizer; false when it is the heuristic upper bound (R-EST-12).</summary>
    public bool TextTokensExact { get; init; }
}
