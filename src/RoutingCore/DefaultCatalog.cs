using Microsoft.Extensions.Configuration;

namespace RoutingCore;

/// <summary>The catalog embedded in the assembly (the seeds' aliases and models with published figures).</summary>
public static class DefaultCatalog
{
    /// <summary>The embedded catalog as configuration JSON (a <c>Routing</c> section).</summary>
    public static Stream OpenJson() =>
        typeof(DefaultCatalog).Assembly.GetManifestResourceStream("RoutingCore.default-catalog.json")
        ?? throw new InvalidOperationException("The default catalog resource is missing from the assembly.");

    /// <summary>Binds the embedded catalog into fresh options, exactly as a host's configuration would be bound.</summary>
    public static RoutingOptions LoadOptions()
    {
        using var stream = OpenJson();
        var configuration = new ConfigurationBuilder().AddJsonStream(stream).Build();
        var options = new RoutingOptions();
        configuration.GetSection(RoutingOptions.DefaultSectionName).Bind(options);
        return options;
    }
}
