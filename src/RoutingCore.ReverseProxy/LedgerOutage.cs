using System.Data.Common;
using System.Net.Sockets;

namespace RoutingCore.ReverseProxy;

/// <summary>
/// Tracks whether the budget ledger is reachable, so an outage logs one warning when it starts and one line when it
/// ends (not a stack trace per request), and counts every refused request (spec R-GW-11).
/// </summary>
internal sealed class LedgerOutage
{
    private int _down;

    /// <summary>A failure of the ledger itself (database, network, timeout), not of the request.</summary>
    public static bool IsOutage(Exception ex, CancellationToken request) =>
        !request.IsCancellationRequested
        && ex is DbException or SocketException or TimeoutException or IOException or InvalidOperationException
            or OperationCanceledException or AggregateException;

    public void Failed(ILogger logger, Exception ex)
    {
        RoutingCoreProxyTelemetry.LedgerUnavailable.Add(1);
        if (Interlocked.Exchange(ref _down, 1) == 0) RoutingCoreProxyTelemetry.LedgerDown(logger, ex.GetType().Name, ex.Message);
    }

    public void Recovered(ILogger logger)
    {
        if (Volatile.Read(ref _down) == 1 && Interlocked.Exchange(ref _down, 0) == 1) RoutingCoreProxyTelemetry.LedgerUp(logger);
    }
}
