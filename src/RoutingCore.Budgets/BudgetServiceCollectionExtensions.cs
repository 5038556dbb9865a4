using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RoutingCore.Budgets;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a RoutingCore budget ledger.</summary>
public static class BudgetServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="BudgetOptions"/> bound to <paramref name="section"/> (for example <c>Routing:Budgets</c>) and,
    /// unless another ledger is registered, the single-instance <see cref="InMemoryBudgetLedger"/> as <see cref="IBudgetLedger"/>.
    /// </summary>
    public static IServiceCollection AddRoutingCoreBudgets(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<BudgetOptions>().Bind(section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IBudgetLedger, InMemoryBudgetLedger>();
        return services;
    }

    /// <summary>Registers <see cref="BudgetOptions"/> configured in code and the in-process ledger unless another is registered.</summary>
    public static IServiceCollection AddRoutingCoreBudgets(this IServiceCollection services, Action<BudgetOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<BudgetOptions>();
        if (configure is not null) builder.Configure(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IBudgetLedger, InMemoryBudgetLedger>();
        return services;
    }
}
