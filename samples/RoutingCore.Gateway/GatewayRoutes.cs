using RoutingCore.ReverseProxy;
using Yarp.ReverseProxy.Configuration;

namespace RoutingCore.Gateway;

/// <summary>The gateway's YARP routes (the seeds' URLs) and the <c>Gateway:Upstreams</c> shorthand as clusters.</summary>
internal static class GatewayRoutes
{
    public static (IReadOnlyList<RouteConfig> Routes, IReadOnlyList<ClusterConfig> Clusters) Build(IConfigurationSection gateway, IConfigurationSection proxy)
    {
        RouteConfig Route(string id, string path, string shape) => new()
        {
            RouteId = id,
            Match = new RouteMatch { Path = path, Methods = ["POST"] },
            Metadata = new Dictionary<string, string> { [RoutingCoreProxyOptions.RouteMetadataKey] = shape },
        };
        RouteConfig[] routes =
        [
            Route("routingcore-chat", "/v1/chat/completions", "chat"),
            Route("routingcore-images", "/v1/images/generations", "images"),
            Route("routingcore-responses", "/v1/responses", "responses"),
            Route("routingcore-messages", "/anthropic/v1/messages", "messages"),
        ];
        var clusters = new List<ClusterConfig>();
        var declared = proxy.GetSection("Clusters").GetChildren().Select(c => c.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var upstream in gateway.GetSection("Upstreams").GetChildren())
        {
            string provider = upstream.Key;
            string? baseUrl = upstream["BaseUrl"];
            if (declared.Contains(provider) || string.IsNullOrWhiteSpace(baseUrl)) continue;
            if (!RoutingCoreConfigFilter.IsHttpAddress(baseUrl))
            {
                // Checked here too, so the error names the key the user wrote, not the cluster made from it.
                throw new InvalidOperationException($"Gateway:Upstreams:{provider}:BaseUrl is '{baseUrl}', not an absolute http or https address.");
            }
            var metadata = new Dictionary<string, string>();
            if (upstream["ApiKey"] is { Length: > 0 } apiKey) metadata[RoutingCoreProxyOptions.ApiKeyMetadataKey] = apiKey;
            clusters.Add(new ClusterConfig
            {
                ClusterId = provider,
                Destinations = new Dictionary<string, DestinationConfig>
                {
                    [provider + "/0"] = new() { Address = baseUrl, Metadata = metadata },
                },
            });
        }
        return (routes, clusters);
    }
}
