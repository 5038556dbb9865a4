namespace RoutingCore.ReverseProxy;

/// <summary>
/// The health view routing reads and the outcomes the proxy reports (R-HEALTH-*). The default keeps this instance's
/// <see cref="ModelHealthTracker"/>; a host shares it across instances by registering its own.
/// </summary>
public interface IRoutingCoreHealth
{
    /// <summary>What routing skips (cooling) and tries last (degraded).</summary>
    IModelHealth View { get; }

    /// <summary>Whether this request may try the model now (one probe at a time after a cooldown).</summary>
    bool TryEnterProbe(ModelEntry model);

    /// <summary>A failed attempt: 5xx, 429 (with its <c>retry-after</c>), a timeout or a connection failure.</summary>
    ValueTask RecordFailureAsync(ModelEntry model, TimeSpan? retryAfter);

    /// <summary>A served attempt and how long its first byte took.</summary>
    ValueTask RecordSuccessAsync(ModelEntry model, TimeSpan firstByte);
}
