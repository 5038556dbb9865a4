using Microsoft.Extensions.AI;
using RoutingCore;
using RoutingCore.Extensions.AI;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers <see cref="RoutingCoreChatClient"/> as the application's <see cref="IChatClient"/>. The inner clients are
/// keyed services named by provider (<c>services.AddKeyedSingleton&lt;IChatClient&gt;("openai", …)</c>), resolved when a
/// model of that provider is chosen; the engine is the registered <see cref="IRoutingEngine"/> (<c>AddRoutingCore</c>).
/// </summary>
public static class RoutingCoreChatClientServiceCollectionExtensions
{
    /// <summary>Registers a singleton routing <see cref="IChatClient"/> (and <see cref="RoutingCoreChatClient"/>).</summary>
    public static IServiceCollection AddRoutingCoreChatClient(this IServiceCollection services, Action<RoutingCoreChatClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(sp =>
        {
            var options = new RoutingCoreChatClientOptions();
            configure?.Invoke(options);
            return new RoutingCoreChatClient(sp.GetRequiredService<IRoutingEngine>(), provider => sp.GetKeyedService<IChatClient>(provider), options);
        });
        services.AddSingleton<IChatClient>(sp => sp.GetRequiredService<RoutingCoreChatClient>());
        return services;
    }
}
