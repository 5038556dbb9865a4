using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RoutingCore.ReverseProxy;

/// <summary>
/// What the proxy reports: one <see cref="Activity"/> per RoutingCore request from <see cref="ActivitySourceName"/>
/// (OpenTelemetry GenAI semantic conventions plus <c>routingcore.*</c>), the instruments of meter
/// <see cref="MeterName"/>, and log messages.
/// </summary>
public static partial class RoutingCoreProxyTelemetry
{
    /// <summary>The activity source of the per-request spans.</summary>
    public const string ActivitySourceName = "RoutingCore.ReverseProxy";

    /// <summary>The meter of the proxy's instruments.</summary>
    public const string MeterName = "RoutingCore.ReverseProxy";

    internal static readonly ActivitySource Source = new(ActivitySourceName, "1.0");
    private static readonly Meter s_meter = new(MeterName, "1.0");

    /// <summary>From the body fully read to the upstream send started: routing, reservation and the rewrite.</summary>
    internal static readonly Histogram<double> ProcessingTime = s_meter.CreateHistogram<double>(
        "routingcore.proxy.processing_time", "us", "The proxy's own work per request: body read to upstream send started.");

    internal static readonly Counter<long> Fallbacks = s_meter.CreateCounter<long>("routingcore.proxy.fallbacks", "{attempt}",
        "Upstream attempts that failed before any byte reached the client and went to the next model.");

    internal static readonly Counter<long> LedgerUnavailable = s_meter.CreateCounter<long>("routingcore.proxy.ledger_unavailable", "{request}",
        "Requests refused (503) or settlements not taken because the budget ledger was unreachable.");

    internal static readonly Counter<double> Cost = s_meter.CreateCounter<double>("routingcore.proxy.cost", "USD",
        "The settled cost of served requests, by the model that served.");

    /// <summary>Spend per client (<c>routingcore.client</c>: its configured name, never a secret) and serving model.</summary>
    internal static readonly Counter<double> Spend = s_meter.CreateCounter<double>("routingcore.proxy.spend", "USD",
        "The settled cost of served requests, by client name and the model that served.");

    /// <summary>The GenAI convention's client token usage (<c>gen_ai.token.type</c> input or output).</summary>
    internal static readonly Histogram<long> TokenUsage = s_meter.CreateHistogram<long>("gen_ai.client.token.usage", "{token}",
        "Tokens used per served request, metered from the provider's response.");

    /// <summary>The GenAI convention's client operation duration.</summary>
    internal static readonly Histogram<double> OperationDuration = s_meter.CreateHistogram<double>("gen_ai.client.operation.duration", "s",
        "From the request's arrival to its response's end.", tags: null,
        // Bucket bounds in seconds (the metric's unit), 1 ms to 60 s, as the GenAI conventions advise for durations.
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 60] });

    [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "Settlement {Reservation} of ${Usd} taken by the ledger after an outage")]
    internal static partial void SettledLate(ILogger logger, Guid reservation, decimal usd);

    [LoggerMessage(EventId = 107, Level = LogLevel.Error, Message = "Settlement {Reservation} of ${Usd} could not be written before its reservation expired: served but unbilled")]
    internal static partial void Unbilled(ILogger logger, Guid reservation, decimal usd);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "The budget ledger is unreachable ({Error}: {Message}); budgeted requests get 503 ledger_unavailable until it answers")]
    internal static partial void LedgerDown(ILogger logger, string error, string message);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "The budget ledger answers again")]
    internal static partial void LedgerUp(ILogger logger);

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "{Endpoint} {Requested} -> {Model} [{Provider}] via {Destination} status {Status}, estimate ${Estimate}, actual ${Actual}{Incomplete}")]
    internal static partial void Served(ILogger logger, string endpoint, string? requested, string model, string provider, string destination, int status, decimal estimate, decimal actual, string incomplete);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Upstream {Model} [{Provider}] failed before the first byte ({Reason}); trying the next model")]
    internal static partial void FallingBack(ILogger logger, string model, string provider, string reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Upstream {Model} [{Provider}] failed after the response started; the client's response ends here")]
    internal static partial void FailedMidStream(ILogger logger, string model, string provider, Exception? exception);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Request rejected: {Code} at '{Param}' ({Status})")]
    internal static partial void Rejected(ILogger logger, string code, string param, int status);
}
