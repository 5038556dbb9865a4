using System.Diagnostics.Metrics;

namespace RoutingCore.Gateway;

/// <summary>The gateway's own instruments (meter <c>RoutingCore.Gateway</c>) and log messages.</summary>
internal static partial class GatewayTelemetry
{
    public const string MeterName = "RoutingCore.Gateway";
    private static readonly Meter s_meter = new(MeterName, "1.0");

    /// <summary>From the body fully read to the upstream send started: routing, reservation and the rewrite.</summary>
    public static readonly Histogram<double> ProcessingTime = s_meter.CreateHistogram<double>(
        "routingcore.gateway.processing_time", "us", "The gateway's own work per request: body read to upstream send started.");

    public static readonly Counter<long> Fallbacks = s_meter.CreateCounter<long>("routingcore.gateway.fallbacks", "{attempt}", "Upstream attempts that failed before any byte reached the client and went to the next model.");

    public static readonly Counter<long> LedgerUnavailable = s_meter.CreateCounter<long>("routingcore.gateway.ledger_unavailable", "{request}",
        "Requests refused (503) or settlements not taken because the budget ledger was unreachable.");

    [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "Settlement {Reservation} of ${Usd} taken by the ledger after an outage")]
    public static partial void SettledLate(ILogger logger, Guid reservation, decimal usd);

    [LoggerMessage(EventId = 107, Level = LogLevel.Error, Message = "Settlement {Reservation} of ${Usd} could not be written before its reservation expired: served but unbilled")]
    public static partial void Unbilled(ILogger logger, Guid reservation, decimal usd);

    [LoggerMessage(EventId = 108, Level = LogLevel.Warning, Message = "The budget ledger is unreachable at start ({Error}: {Message}); the gateway starts and applies the schema and key budgets once it answers")]
    public static partial void LedgerUnreachableAtStart(ILogger logger, string error, string message);

    public static readonly Counter<long> LimitsUnavailable = s_meter.CreateCounter<long>("routingcore.gateway.limits_unavailable", "{request}",
        "Requests whose per-key limits could not be checked because Redis was unreachable (admitted or refused by Gateway:Limits:FailMode).");

    [LoggerMessage(EventId = 109, Level = LogLevel.Warning, Message = "Redis is unreachable for per-key limits ({Message}); fail mode {FailMode} until it answers")]
    public static partial void LimitsDown(ILogger logger, string failMode, string message);

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Redis answers again for per-key limits")]
    public static partial void LimitsUp(ILogger logger);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "The budget ledger is unreachable ({Error}: {Message}); budgeted requests get 503 ledger_unavailable until it answers")]
    public static partial void LedgerDown(ILogger logger, string error, string message);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "The budget ledger answers again")]
    public static partial void LedgerUp(ILogger logger);

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "{Endpoint} {Requested} -> {Model} [{Provider}] status {Status}, estimate ${Estimate}, actual ${Actual}{Incomplete}")]
    public static partial void Served(ILogger logger, string endpoint, string? requested, string model, string provider, int status, decimal estimate, decimal actual, string incomplete);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Upstream {Model} [{Provider}] failed before the first byte ({Reason}); trying the next model")]
    public static partial void FallingBack(ILogger logger, string model, string provider, string reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Upstream {Model} [{Provider}] failed after the response started; the client's response ends here")]
    public static partial void FailedMidStream(ILogger logger, string model, string provider, Exception exception);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Request rejected: {Code} at '{Param}' ({Status})")]
    public static partial void Rejected(ILogger logger, string code, string param, int status);
}
