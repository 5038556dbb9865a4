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
            // ASP.NET Core's server span is the root (sampled by the default sampler) when a client sends no
            // traceparent, so RoutingCore's span under it is exported too, not dropped with an unrecorded parent.
            t.AddAspNetCoreInstrumentation();
            t.AddSource(RoutingCoreProxyTelemetry.ActivitySourceName);
            if (options.Otlp) t.AddOtlpExporter();
        });
        telemetry.WithMetrics(m =>
        {
            // The engine's own meter (routes, rejections, difficulty) beside the proxy's and the gateway's.
            m.AddMeter(RoutingCoreProxyTelemetry.MeterName, GatewayTelemetry.MeterName, "RoutingCore");
            m.AddAspNetCoreInstrumentation(); // http.server.request.duration, in seconds with second buckets
            m.AddRuntimeInstrumentation();
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
