using System.Diagnostics.Metrics;

namespace RoutingCore.Gateway;

/// <summary>The gateway's own instruments (meter <c>RoutingCore.Gateway</c>) and log messages; the request loop reports through RoutingCore.ReverseProxy's.</summary>
internal static partial class GatewayTelemetry
{
    public const string MeterName = "RoutingCore.Gateway";
    private static readonly Meter s_meter = new(MeterName, "1.0");

    public static readonly Counter<long> LimitsUnavailable = s_meter.CreateCounter<long>("routingcore.gateway.limits_unavailable", "{request}",
        "Requests whose per-key limits could not be checked because Redis was unreachable (admitted or refused by Gateway:Limits:FailMode).");

    [LoggerMessage(EventId = 108, Level = LogLevel.Warning, Message = "The budget ledger is unreachable at start ({Error}: {Message}); the gateway starts and applies the schema and key budgets once it answers")]
    public static partial void LedgerUnreachableAtStart(ILogger logger, string error, string message);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "The budget ledger answers again")]
    public static partial void LedgerUp(ILogger logger);

    [LoggerMessage(EventId = 109, Level = LogLevel.Warning, Message = "Redis is unreachable for per-key limits ({Message}); fail mode {FailMode} until it answers")]
    public static partial void LimitsDown(ILogger logger, string failMode, string message);

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Redis answers again for per-key limits")]
    public static partial void LimitsUp(ILogger logger);
}
