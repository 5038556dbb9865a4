using RoutingCore.Redis;
using RoutingCore.ReverseProxy;

namespace RoutingCore.Gateway;

/// <summary>
/// The health the gateway routes by (R-HEALTH-4): this instance's tracker, and with Redis the view shared by every
/// instance (its errors never fail a request; half-open probes stay per instance).
/// </summary>
internal sealed class GatewayHealth(ModelHealthTracker local, RedisSharedHealth? shared = null) : IRoutingCoreHealth
{
    public IModelHealth View => (IModelHealth?)shared ?? local;

    public bool TryEnterProbe(ModelEntry model) => local.TryEnterProbe(model);

    public async ValueTask RecordFailureAsync(ModelEntry model, TimeSpan? retryAfter)
    {
        if (shared is null) { local.RecordFailure(model, retryAfter); return; }
        try { await shared.RecordFailureAsync(model, retryAfter); }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException or ObjectDisposedException) { GatewayTelemetry.LimitsUnavailable.Add(1); }
    }

    public async ValueTask RecordSuccessAsync(ModelEntry model, TimeSpan firstByte)
    {
        if (shared is null) { local.RecordSuccess(model, firstByte); return; }
        try { await shared.RecordSuccessAsync(model, firstByte); }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException or ObjectDisposedException) { GatewayTelemetry.LimitsUnavailable.Add(1); }
    }
}
