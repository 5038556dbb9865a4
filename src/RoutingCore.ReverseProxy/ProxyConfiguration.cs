using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace RoutingCore.ReverseProxy;

/// <summary>
/// Checks the proxy configuration as it loads (a bad one fails start-up, and a reload with one is refused by YARP
/// and logged): every cluster has destinations with absolute http(s) addresses, and a RoutingCore route names a known
/// endpoint shape. A RoutingCore route that names no cluster gets <see cref="RoutingCoreProxyOptions.CatalogClusterId"/>.
/// </summary>
internal sealed class RoutingCoreConfigFilter : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel)
    {
        if (cluster.ClusterId == RoutingCoreProxyOptions.CatalogClusterId) return new(cluster);
        if (cluster.Destinations is not { Count: > 0 })
        {
            throw new InvalidOperationException($"ReverseProxy:Clusters:{cluster.ClusterId}:Destinations is empty: a cluster needs at least one destination (an Address).");
        }
        foreach (var (id, destination) in cluster.Destinations)
        {
            if (!IsHttpAddress(destination.Address))
            {
                throw new InvalidOperationException(
                    $"ReverseProxy:Clusters:{cluster.ClusterId}:Destinations:{id}:Address is '{destination.Address}', not an absolute http or https address.");
            }
        }
        return new(cluster);
    }

    /// <summary>An absolute http or https address with a host: what a destination (or the gateway's shorthand) must be.</summary>
    internal static bool IsHttpAddress(string? address) =>
        Uri.TryCreate(address, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0;

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel)
    {
        if (route.Metadata?.TryGetValue(RoutingCoreProxyOptions.RouteMetadataKey, out var shape) != true) return new(route);
        if (RoutingCoreShapes.Parse(shape) is null)
        {
            throw new InvalidOperationException(
                $"ReverseProxy:Routes:{route.RouteId}:Metadata:{RoutingCoreProxyOptions.RouteMetadataKey} is '{shape}'; expected chat, messages, images or responses.");
        }
        return new(route.ClusterId is null ? route with { ClusterId = RoutingCoreProxyOptions.CatalogClusterId } : route);
    }
}

/// <summary>The endpoint shapes a route's <c>RoutingCore</c> metadata names.</summary>
internal static class RoutingCoreShapes
{
    /// <summary>Read on every request: compared without case and without allocating.</summary>
    public static RequestEndpoint? Parse(string? shape) =>
        Is(shape, "chat") || Is(shape, "chat_completions") ? RequestEndpoint.ChatCompletions
        : Is(shape, "messages") ? RequestEndpoint.Messages
        : Is(shape, "images") || Is(shape, "image_generations") ? RequestEndpoint.ImageGenerations
        : Is(shape, "responses") ? RequestEndpoint.Responses
        : null;

    private static bool Is(string? shape, string name) => string.Equals(shape, name, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Adds the destination-less cluster RoutingCore routes point at by default (the served model picks the real one).</summary>
internal sealed class CatalogClusterProvider : IProxyConfigProvider
{
    private readonly Config _config = new();

    public IProxyConfig GetConfig() => _config;

    private sealed class Config : IProxyConfig
    {
        public IReadOnlyList<RouteConfig> Routes { get; } = [];
        public IReadOnlyList<ClusterConfig> Clusters { get; } = [new ClusterConfig { ClusterId = RoutingCoreProxyOptions.CatalogClusterId }];
        public IChangeToken ChangeToken { get; } = new CancellationChangeToken(CancellationToken.None);
        public string RevisionId => "routingcore-catalog";
    }
}
