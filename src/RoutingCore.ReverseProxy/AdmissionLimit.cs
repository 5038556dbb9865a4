namespace RoutingCore.ReverseProxy;

/// <summary>A rate limit as OpenAI's headers state it: <c>x-ratelimit-limit-{Unit}</c>, <c>x-ratelimit-remaining-{Unit}</c>, <c>x-ratelimit-reset-{Unit}</c>.</summary>
/// <param name="Unit"><c>requests</c> or <c>tokens</c>.</param>
/// <param name="Limit">The limit per window.</param>
/// <param name="Remaining">What is left of it in this window.</param>
/// <param name="ResetSeconds">Seconds until the window resets.</param>
public readonly record struct AdmissionLimit(string Unit, long Limit, long Remaining, int ResetSeconds);
