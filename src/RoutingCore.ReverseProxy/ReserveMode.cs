namespace RoutingCore.ReverseProxy;

/// <summary>How much of a key's budget a request holds while it runs (spec R-GW-16).</summary>
public enum ReserveMode
{
    /// <summary>The decision's estimate: output at <c>max_tokens</c> or the model's default output.</summary>
    Estimate,

    /// <summary>A request without <c>max_tokens</c> reserves the model's <c>MaxOutputTokens</c>, so concurrent requests cannot overspend the budget by more than one request's overrun.</summary>
    MaxOutput,
}
