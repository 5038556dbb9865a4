using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace RoutingCore.Diagnostics;

/// <summary>
/// Metrics on the <c>RoutingCore</c> meter. Each instrument is checked for listeners before any work, so telemetry
/// costs a branch when nobody listens.
/// </summary>
internal static class RoutingTelemetry
{
    public const string MeterName = "RoutingCore";
    private static readonly Meter s_meter = new(MeterName, "1.0");
    private static readonly Counter<long> s_routes = s_meter.CreateCounter<long>("routingcore.routes", "{request}", "Requests routed, by alias kind and model.");
    private static readonly Counter<long> s_rejections = s_meter.CreateCounter<long>("routingcore.rejections", "{request}", "Requests rejected, by error code.");
    private static readonly Histogram<double> s_cost = s_meter.CreateHistogram<double>("routingcore.estimated_cost", "USD", "Estimated cost of routed requests.");
    private static readonly Histogram<double> s_difficulty = s_meter.CreateHistogram<double>("routingcore.difficulty", "{difficulty}",
        "Difficulty of requests routed through auto aliases, in [0, 1], by alias.");
    private static readonly Counter<long> s_reloads = s_meter.CreateCounter<long>("routingcore.catalog.reloads", "{change}", "Catalog changes after start, by outcome (applied or rejected).");

    private static readonly Histogram<double> s_actual = s_meter.CreateHistogram<double>("routingcore.actual_cost", "USD", "Actual cost of metered responses, by model.");
    private static readonly Histogram<double> s_accuracy = s_meter.CreateHistogram<double>("routingcore.estimate_accuracy", "{ratio}",
        "Actual cost divided by the estimate, by model and kind (text, image_input, image_output): the estimation-accuracy signal.");

    internal static Meter Meter => s_meter;

    public static void RecordUsage(in UsageRecord record, in RouteDecision decision)
    {
        if (record.Model is null) return;
        if (s_actual.Enabled) s_actual.Record((double)record.CostUsd, new KeyValuePair<string, object?>("model", record.Model.Id));
        if (s_accuracy.Enabled && record.EstimatedCostPicoUsd > 0 && record.ErrorType is null)
        {
            string kind = record.Images > 0 || decision.Estimate.OutputImages > 0 ? "image_output" : decision.ImageCount > 0 ? "image_input" : "text";
            s_accuracy.Record(record.Ratio, new KeyValuePair<string, object?>("model", record.Model.Id), new KeyValuePair<string, object?>("kind", kind));
        }
    }

    public static void RecordReload(bool applied)
    {
        if (s_reloads.Enabled) s_reloads.Add(1, new KeyValuePair<string, object?>("outcome", applied ? "applied" : "rejected"));
    }

    public static void Record(in RouteDecision decision)
    {
        if (decision.Difficulty is { } difficulty && s_difficulty.Enabled)
        {
            s_difficulty.Record(difficulty, new KeyValuePair<string, object?>("alias", decision.Alias?.Id));
        }
        if (decision.Succeeded)
        {
            if (s_routes.Enabled)
            {
                s_routes.Add(1, new KeyValuePair<string, object?>("alias_kind", AliasEntry.KindName(decision.AliasKind)),
                    new KeyValuePair<string, object?>("model", decision.ModelId));
            }
            if (s_cost.Enabled) s_cost.Record((double)decision.Estimate.CostUsd, new KeyValuePair<string, object?>("model", decision.ModelId));
        }
        else if (s_rejections.Enabled)
        {
            s_rejections.Add(1, new KeyValuePair<string, object?>("code", decision.ErrorCode));
        }
    }
}

/// <summary>Source-generated log messages.</summary>
internal static partial class RoutingLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Request rejected: {Code} at '{Param}'")]
    public static partial void Rejected(ILogger logger, string? code, string param);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Routing catalog version {Version} is live ({Models} models, {Aliases} aliases)")]
    public static partial void CatalogLoaded(ILogger logger, long version, int models, int aliases);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Routing catalog change rejected as version {Candidate}; version {Version} stays live: {Errors}")]
    public static partial void CatalogRejected(ILogger logger, long candidate, long version, string errors);
}
