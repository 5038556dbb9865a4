namespace RoutingCore.Budgets;

/// <summary>
/// Holds each key's spending budget (spec R-BUD-*). A reservation is granted only if
/// <c>spent + reserved + estimate ≤ limit</c>, decided atomically; settling moves it to spent at the actual amount;
/// releasing drops it; a reservation neither settled nor released by <see cref="BudgetReservation.ExpiresAt"/> (its
/// instance crashed) stops counting. Settling or releasing twice, or after expiry, is a no-op.
/// </summary>
/// <remarks>Keys are compared exactly (ordinal). A key without a limit is unlimited, but its spend is still recorded.</remarks>
public interface IBudgetLedger
{
    /// <summary>Reserves <paramref name="estimatedUsd"/> against <paramref name="key"/>'s budget.</summary>
    /// <exception cref="ArgumentException">The key is empty, longer than 256 characters or contains NUL; the amount is negative or above 1,000,000,000.</exception>
    ValueTask<BudgetReservation> ReserveAsync(string key, decimal estimatedUsd, CancellationToken cancellationToken = default);

    /// <summary>Moves a granted reservation to spent at <paramref name="actualUsd"/> (which may exceed the estimate).</summary>
    /// <returns>True when applied; false when the reservation was not granted, already settled or released, or expired.</returns>
    ValueTask<bool> SettleAsync(BudgetReservation reservation, decimal actualUsd, CancellationToken cancellationToken = default);

    /// <summary>Drops a granted reservation without spending (the call failed).</summary>
    /// <returns>True when applied; false when it was not granted, already settled or released, or expired.</returns>
    ValueTask<bool> ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken = default);

    /// <summary>The key's budget now: limit, spent in the current period, reserved by live reservations.</summary>
    ValueTask<BudgetStatus> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Sets the key's limit and period (a changed period starts at the current period's start with nothing spent).</summary>
    ValueTask SetLimitAsync(string key, decimal limitUsd, BudgetPeriod period, CancellationToken cancellationToken = default);
}
