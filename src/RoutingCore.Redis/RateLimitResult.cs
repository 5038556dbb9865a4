namespace RoutingCore.Redis;

/// <summary>The outcome of one admission: admitted, or which limit refused and for how long.</summary>
/// <param name="Admitted">True when the request may go on.</param>
/// <param name="Limit"><c>requests per minute</c> or <c>tokens per minute</c> when refused.</param>
/// <param name="RetryAfter">Until the window ends, when refused.</param>
/// <param name="Window">The window the request was counted in (for <see cref="RedisRateLimiter.CorrectAsync"/>).</param>
public readonly record struct RateLimitResult(bool Admitted, string? Limit, TimeSpan RetryAfter, long Window);
