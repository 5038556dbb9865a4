using Microsoft.Extensions.Hosting;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using RoutingCore.Budgets;

namespace RoutingCore.ReverseProxy;

/// <summary>
/// Settlements the ledger could not take when the response ended (an outage): retried every
/// <see cref="RoutingCoreProxyOptions.SettlementRetryInterval"/> until one succeeds or its reservation expires, so a request served
/// during an outage shorter than the reservation TTL is still billed (spec R-GW-15). What expires unbilled is logged as
/// an error with its amount.
/// </summary>
internal sealed class PendingSettlements(IBudgetLedger ledger, TimeProvider time, IOptions<RoutingCoreProxyOptions> options, ILogger<PendingSettlements> logger)
    : BackgroundService
{
    private readonly Channel<(BudgetReservation Reservation, decimal Usd)> _queue = Channel.CreateUnbounded<(BudgetReservation, decimal)>();
    private int _count;

    /// <summary>Settlements waiting for the ledger.</summary>
    public int Count => Volatile.Read(ref _count);

    public void Add(BudgetReservation reservation, decimal usd)
    {
        Interlocked.Increment(ref _count);
        _queue.Writer.TryWrite((reservation, usd));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var waiting = new List<(BudgetReservation Reservation, decimal Usd)>();
        var interval = options.Value.SettlementRetryInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            while (_queue.Reader.TryRead(out var item)) waiting.Add(item);
            for (int i = waiting.Count - 1; i >= 0; i--)
            {
                var (reservation, usd) = waiting[i];
                try
                {
                    await ledger.SettleAsync(reservation, usd, stoppingToken);
                    RoutingCoreProxyTelemetry.SettledLate(logger, reservation.Id, usd);
                    Done(waiting, i);
                }
                catch (Exception ex) when (LedgerOutage.IsOutage(ex, stoppingToken))
                {
                    if (time.GetUtcNow() >= reservation.ExpiresAt)
                    {
                        RoutingCoreProxyTelemetry.Unbilled(logger, reservation.Id, usd);
                        Done(waiting, i);
                    }
                }
            }
            try
            {
                if (waiting.Count == 0) await _queue.Reader.WaitToReadAsync(stoppingToken);
                else await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private void Done(List<(BudgetReservation, decimal)> waiting, int i)
    {
        waiting.RemoveAt(i);
        Interlocked.Decrement(ref _count);
    }
}
