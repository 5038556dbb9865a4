using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using RoutingCore.Budgets;
using RoutingCore.Budgets.Postgres;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL budget ledger.</summary>
public static class PostgresBudgetServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PostgresBudgetLedger"/> as the <see cref="IBudgetLedger"/>, with one <see cref="NpgsqlDataSource"/>
    /// (the connection pool) for <paramref name="connectionString"/> and <see cref="BudgetOptions"/> bound to
    /// <paramref name="section"/>. Call <see cref="PostgresBudgetLedger.EnsureSchemaAsync"/> once at start.
    /// </summary>
    public static IServiceCollection AddRoutingCorePostgresBudgets(this IServiceCollection services, string connectionString, IConfigurationSection? section = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = services.AddOptions<BudgetOptions>();
        if (section is not null) options.Bind(section);
        services.TryAddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        services.TryAddSingleton(sp => new PostgresBudgetLedger(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<IOptions<BudgetOptions>>()));
        services.Replace(ServiceDescriptor.Singleton<IBudgetLedger>(sp => sp.GetRequiredService<PostgresBudgetLedger>()));
        return services;
    }
}
