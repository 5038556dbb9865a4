using Microsoft.Extensions.AI;

namespace RoutingCore.Extensions.AI;

/// <summary>Options of a <see cref="RoutingCoreChatClient"/>.</summary>
public sealed class RoutingCoreChatClientOptions
{
    /// <summary>The alias or model used when <see cref="ChatOptions.ModelId"/> is not set (for example <c>flux-auto</c>).</summary>
    public string? DefaultModel { get; set; }

    /// <summary>Host constraints applied to every call (allow-list, cost cap).</summary>
    public RouteContext Context { get; set; }
}
