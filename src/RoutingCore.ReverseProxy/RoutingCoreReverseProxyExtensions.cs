using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RoutingCore;
using RoutingCore.Budgets;
using RoutingCore.ReverseProxy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>RoutingCore as a YARP feature (spec R-GW-21).</summary>
public static class RoutingCoreReverseProxyExtensions
{
    /// <summary>
    /// Adds RoutingCore to YARP: routes whose metadata names <c>RoutingCore</c> (<c>chat</c>, <c>messages</c>,
    /// <c>images</c>, <c>responses</c>) are routed, budgeted and metered, and served by the cluster of the chosen
    /// model's provider (see <see cref="RoutingCoreProxyOptions.ClusterForProvider"/>). Register the engine
    /// (<c>AddRoutingCore</c>) and, for budgets other than in memory, a ledger; add
    /// <see cref="UseRoutingCore"/> to the proxy pipeline (or map it with <see cref="MapRoutingCoreReverseProxy"/>).
    /// </summary>
    public static IReverseProxyBuilder AddRoutingCore(this IReverseProxyBuilder builder, Action<RoutingCoreProxyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<RoutingCoreProxyOptions>();
        if (configure is not null) options.Configure(configure);
        services.AddRoutingCoreBudgets(); // the in-process ledger unless another one is registered
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ModelHealthTracker(time: sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IRoutingCoreHealth>(sp => new LocalHealth(sp.GetRequiredService<ModelHealthTracker>()));
        services.TryAddSingleton<IRoutingCoreClientResolver, HostUserClientResolver>();
        services.TryAddSingleton(sp => new PendingSettlements(sp.GetRequiredService<IBudgetLedger>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<RoutingCoreProxyOptions>>(), sp.GetRequiredService<ILogger<PendingSettlements>>()));
        services.AddHostedService(sp => sp.GetRequiredService<PendingSettlements>());
        services.TryAddSingleton<RoutingCoreTransformer>();
        services.TryAddSingleton<RoutingCoreProxy>();
        services.Replace(ServiceDescriptor.Singleton<IForwarderHttpClientFactory, RoutingCoreForwarderHttpClientFactory>());
        services.AddSingleton<IPassiveHealthCheckPolicy, ConsecutiveFailuresPolicy>();
        services.AddSingleton<IProxyConfigProvider, CatalogClusterProvider>();
        builder.AddConfigFilter<RoutingCoreConfigFilter>();
        return builder;
    }

    /// <summary>Adds RoutingCore to YARP with its options bound to <paramref name="section"/>.</summary>
    public static IReverseProxyBuilder AddRoutingCore(this IReverseProxyBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        builder.AddRoutingCore();
        builder.Services.Configure<RoutingCoreProxyOptions>(section);
        return builder;
    }

    /// <summary>
    /// The proxy pipeline step: a RoutingCore route is handled here to the end (its attempts use YARP's forwarder,
    /// the cluster's load balancing and passive health); any other route goes on to the next step.
    /// </summary>
    public static IReverseProxyApplicationBuilder UseRoutingCore(this IReverseProxyApplicationBuilder pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var proxy = pipeline.ApplicationServices.GetRequiredService<RoutingCoreProxy>();
        pipeline.Use((context, next) => proxy.InvokeAsync(context, next));
        return pipeline;
    }

    /// <summary>Maps YARP's routes with RoutingCore first, then YARP's standard steps (session affinity, load balancing, passive health).</summary>
    public static ReverseProxyConventionBuilder MapRoutingCoreReverseProxy(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapReverseProxy(pipeline =>
        {
            pipeline.UseRoutingCore();
            pipeline.UseSessionAffinity();
            pipeline.UseLoadBalancing();
            pipeline.UsePassiveHealthChecks();
        });
    }
}
