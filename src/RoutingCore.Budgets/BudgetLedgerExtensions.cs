namespace RoutingCore.Budgets;

/// <summary>The glue a host calls around one upstream call: reserve the decision's estimate, settle with the metered actual, release on failure.</summary>
public static class BudgetLedgerExtensions
{
    /// <summary>Reserves the decision's estimated cost against <paramref name="key"/>.</summary>
    /// <exception cref="InvalidOperationException">The decision was rejected.</exception>
    public static ValueTask<BudgetReservation> ReserveAsync(this IBudgetLedger ledger, string key, in RouteDecision decision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        if (!decision.Succeeded) throw new InvalidOperationException($"The decision was rejected ({decision.ErrorCode}); there is nothing to reserve.");
        return ledger.ReserveAsync(key, decision.Estimate.CostUsd, cancellationToken);
    }

    /// <summary>Settles a reservation at the metered cost of the response.</summary>
    public static ValueTask<bool> SettleAsync(this IBudgetLedger ledger, BudgetReservation reservation, in UsageRecord usage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return ledger.SettleAsync(reservation, usage.CostUsd, cancellationToken);
    }
}
