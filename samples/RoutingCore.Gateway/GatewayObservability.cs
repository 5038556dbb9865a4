using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using RoutingCore.ReverseProxy;

namespace RoutingCore.Gateway;

/// <summary>
/// OpenTelemetry for the gateway, on by configuration: the per-request spans of RoutingCore.ReverseProxy and the
/// RoutingCore and gateway meters, exported for Prometheus at <c>/metrics</c> and/or over OTLP.
/// </summary>
internal static class GatewayObservability
{
    public static void Add(WebApplicationBuilder builder, TelemetryOptions options)
    {
        if (!options.Prometheus && !options.Otlp) return;
        // service.name and service.version on every span and metric (never unknown_service).
        var version = typeof(GatewayObservability).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName: options.ServiceName ?? "routingcore-gateway", serviceVersion: version));
        telemetry.WithTracing(t =>
        {
            t.AddSource(RoutingCoreProxyTelemetry.ActivitySourceName);
            if (options.Otlp) t.AddOtlpExporter();
        });
        telemetry.WithMetrics(m =>
        {
            m.AddMeter(RoutingCoreProxyTelemetry.MeterName, GatewayTelemetry.MeterName);
            if (options.Prometheus) m.AddPrometheusExporter();
            if (options.Otlp) m.AddOtlpExporter();
        });
        builder.Services.AddSingleton(options);
    }

    public static void Map(WebApplication app)
    {
        if (app.Services.GetService<TelemetryOptions>() is { Prometheus: true }) app.MapPrometheusScrapingEndpoint("/metrics");
    }
}
