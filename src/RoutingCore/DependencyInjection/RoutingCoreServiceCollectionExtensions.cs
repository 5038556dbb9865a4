using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoutingCore;
using RoutingCore.Catalog;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers RoutingCore in a service collection.</summary>
public static class RoutingCoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="IRoutingEngine"/> bound to <paramref name="section"/>, validated on start
    /// (an <see cref="OptionsValidationException"/> naming every bad key) and reloaded when the configuration changes.
    /// </summary>
    public static IServiceCollection AddRoutingCore(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<RoutingOptions>().Bind(section);
        return AddCore(services, section.Path);
    }

    /// <summary>Registers a singleton <see cref="IRoutingEngine"/> configured in code.</summary>
    public static IServiceCollection AddRoutingCore(this IServiceCollection services, Action<RoutingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<RoutingOptions>().Configure(configure);
        return AddCore(services, RoutingOptions.DefaultSectionName);
    }

    private static IServiceCollection AddCore(IServiceCollection services, string sectionPath)
    {
        services.TryAddSingleton(new RoutingSectionPath(sectionPath));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RoutingOptions>, RoutingOptionsValidator>());
        services.AddOptions<RoutingOptions>().ValidateOnStart();
        services.TryAddSingleton<ITokenCounter>(HeuristicTokenCounter.Instance);
        services.TryAddSingleton<IRoutingEngine>(sp => new RoutingEngine(
            sp.GetRequiredService<IOptionsMonitor<RoutingOptions>>(),
            new RoutingEngineServices
            {
                Policies = sp.GetServices<IRoutingPolicy>(),
                DifficultyEstimators = sp.GetServices<IDifficultyEstimator>(),
                TokenCounter = sp.GetRequiredService<ITokenCounter>(),
                ExactTokenCounter = sp.GetService<IExactTokenCounter>(),
                ImageMetadata = sp.GetService<IImageMetadataProvider>(),
                Logger = sp.GetService<ILoggerFactory>()?.CreateLogger("RoutingCore"),
            },
            sectionPath));
        return services;
    }
}

/// <summary>
/// Validates <see cref="RoutingOptions"/> with the same code that builds the catalog, reporting every bad key — until
/// the first valid value has been seen (start-up, strict). After that it passes every value through: the options
/// monitor runs validators inside its change callback, so a failure there would throw out of
/// <c>IConfigurationRoot.Reload()</c> or the file watcher and leave <c>CurrentValue</c> throwing. Later changes are
/// judged by the engine (<see cref="RoutingEngine.TryUpdateCatalog"/>), which keeps the last good snapshot, logs the
/// rejection and counts it (spec R-CAT-9).
/// </summary>
internal sealed class RoutingOptionsValidator(IEnumerable<IRoutingPolicy> extraPolicies, IEnumerable<IDifficultyEstimator> estimators, RoutingSectionPath section)
    : IValidateOptions<RoutingOptions>
{
    private readonly string sectionPath = section.Path;
    private volatile bool _started;

    public ValidateOptionsResult Validate(string? name, RoutingOptions options)
    {
        if (_started) return ValidateOptionsResult.Skip;
        var errors = new List<string>();
        CatalogBuilder.TryBuild(options, 0, [.. RoutingPolicies.BuiltIn, .. extraPolicies], sectionPath, errors, estimators);
        if (errors.Count > 0) return ValidateOptionsResult.Fail(errors);
        _started = true;
        return ValidateOptionsResult.Success;
    }
}

/// <summary>The configuration path validation messages are prefixed with.</summary>
internal sealed record RoutingSectionPath(string Path);
