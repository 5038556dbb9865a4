using Microsoft.Extensions.DependencyInjection.Extensions;
using RoutingCore;
using RoutingCore.Tokenizers;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers exact token counting for RoutingCore.</summary>
public static class TokenizerServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="TiktokenTokenCounter"/> as the engine's <see cref="IExactTokenCounter"/>: models whose catalog
    /// entry names a <c>Tokenizer</c> are counted exactly when a decision depends on it (<c>Routing:ExactTokens</c>).
    /// Call before or after <c>AddRoutingCore</c>.
    /// </summary>
    public static IServiceCollection AddRoutingCoreTokenizers(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IExactTokenCounter>(TiktokenTokenCounter.Instance);
        return services;
    }
}
