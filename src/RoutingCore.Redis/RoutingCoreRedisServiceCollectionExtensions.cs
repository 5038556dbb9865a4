using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;

namespace RoutingCore.Redis;

/// <summary>Registers RoutingCore's Redis parts: per-key limits and the shared health view (spec R-GW-20, R-HEALTH-6).</summary>
public static class RoutingCoreRedisServiceCollectionExtensions
{
    /// <summary>
    /// Registers an <see cref="IConnectionMultiplexer"/> for <paramref name="connectionString"/> (it does not abort when
    /// Redis is down at start, and keeps reconnecting; sync and async timeouts default to 1 s and the connect timeout to
    /// 5 s unless the string sets them), a <see cref="RedisRateLimiter"/> and a <see cref="RedisSharedHealth"/> over the
    /// registered <see cref="ModelHealthTracker"/> (a default one if none) and the engine's live catalog. Call it after
    /// <c>AddRoutingCore(...)</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="connectionString">A StackExchange.Redis configuration string.</param>
    /// <param name="sharedHealthRefresh">How often the shared health view is read (default 250 ms).</param>
    public static IServiceCollection AddRoutingCoreRedis(this IServiceCollection services, string connectionString, TimeSpan? sharedHealthRefresh = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        if (!connectionString.Contains("syncTimeout", StringComparison.OrdinalIgnoreCase)) options.SyncTimeout = 1000;
        if (!connectionString.Contains("asyncTimeout", StringComparison.OrdinalIgnoreCase)) options.AsyncTimeout = 1000;
        if (!connectionString.Contains("connectTimeout", StringComparison.OrdinalIgnoreCase)) options.ConnectTimeout = 5000;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => new ModelHealthTracker());
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        services.AddSingleton(sp => new RedisRateLimiter(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new RedisSharedHealth(sp.GetRequiredService<ModelHealthTracker>(), sp.GetRequiredService<IConnectionMultiplexer>(),
            () => sp.GetRequiredService<IRoutingEngine>().Catalog, sharedHealthRefresh, sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
