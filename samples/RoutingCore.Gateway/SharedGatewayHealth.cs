using RoutingCore.Redis;
using RoutingCore.ReverseProxy;

namespace RoutingCore.Gateway;

/// <summary>
/// The health the gateway routes by with Redis (R-HEALTH-4): the view shared by every instance (its errors never fail
/// a request; half-open probes stay per instance). Without Redis, RoutingCore.ReverseProxy's own local view serves.
/// </summary>
internal sealed class SharedGatewayHealth(ModelHealthTracker local, RedisSharedHealth shared) : IRoutingCoreHealth
{
    public IModelHealth View => shared;

    public bool TryEnterProbe(ModelEntry model) => local.TryEnterProbe(model);

    public async ValueTask RecordFailureAsync(ModelEntry model, TimeSpan? retryAfter)
    {
        try { await shared.RecordFailureAsync(model, retryAfter); }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException or ObjectDisposedException) { GatewayTelemetry.LimitsUnavailable.Add(1); }
    }

    public async ValueTask RecordSuccessAsync(ModelEntry model, TimeSpan firstByte)
    {
        try { await shared.RecordSuccessAsync(model, firstByte); }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException or ObjectDisposedException) { GatewayTelemetry.LimitsUnavailable.Add(1); }
    }
}
