using Microsoft.Extensions.DependencyInjection;
using RoutingCore;
using RoutingCore.Extensions.AI;

namespace Microsoft.Extensions.AI;

/// <summary>RoutingCore in a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class RoutingCoreChatClientBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="RoutingCoreChatClient"/> to the pipeline: each call is routed by the engine (an alias such as
    /// <c>flux-auto</c>, a tier, a pinned alias or a model id) and sent to the inner client of the chosen model's
    /// provider — a keyed <see cref="IChatClient"/> service named by provider when one is registered, otherwise the
    /// client this builder wraps — with fallbacks before the first response and usage metered.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="engine">The engine; default: the registered <see cref="IRoutingEngine"/>.</param>
    /// <param name="configure">Options of the routing client.</param>
    public static ChatClientBuilder UseRoutingCore(this ChatClientBuilder builder, IRoutingEngine? engine = null,
        Action<RoutingCoreChatClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var options = new RoutingCoreChatClientOptions();
            configure?.Invoke(options);
            var routing = engine ?? services.GetService<IRoutingEngine>()
                ?? throw new InvalidOperationException("UseRoutingCore needs an IRoutingEngine: pass one, or register it with services.AddRoutingCore(…).");
            return new RoutingCoreChatClient(routing, provider => services.GetKeyedService<IChatClient>(provider) ?? inner, options);
        });
    }
}
