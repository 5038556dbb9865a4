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

/// <summary>How often a key's spend resets (UTC).</summary>
public enum BudgetPeriod
{
    /// <summary>Never: the limit is for all time.</summary>
    None = 0,
    /// <summary>At 00:00 UTC each day.</summary>
    Day,
    /// <summary>At 00:00 UTC on the first of each month.</summary>
    Month,
}

/// <summary>The outcome of <see cref="IBudgetLedger.ReserveAsync"/>.</summary>
/// <param name="Granted">True when the estimate fits the budget.</param>
/// <param name="Id">The reservation's id (settle and release are idempotent by it); <see cref="Guid.Empty"/> when refused.</param>
/// <param name="Key">The key it was made against.</param>
/// <param name="AmountUsd">The reserved estimate.</param>
/// <param name="RemainingUsd">What is left after this reservation (when refused: what is left); <c>null</c> for a key without a limit.</param>
/// <param name="ExpiresAt">When an unsettled reservation stops counting.</param>
public readonly record struct BudgetReservation(bool Granted, Guid Id, string Key, decimal AmountUsd, decimal? RemainingUsd, DateTimeOffset ExpiresAt);

/// <summary>A key's budget at one moment.</summary>
/// <param name="LimitUsd">The limit; <c>null</c> when the key has none (unlimited).</param>
/// <param name="SpentUsd">Settled spend in the current period.</param>
/// <param name="ReservedUsd">Live (granted, unsettled, unexpired) reservations.</param>
/// <param name="PeriodStart">The start of the current period.</param>
/// <param name="Period">The period.</param>
public readonly record struct BudgetStatus(decimal? LimitUsd, decimal SpentUsd, decimal ReservedUsd, DateTimeOffset PeriodStart, BudgetPeriod Period);

/// <summary>Argument checks every ledger applies, so bad keys and amounts never reach storage.</summary>
public static class BudgetArguments
{
    /// <summary>Largest accepted amount in USD.</summary>
    public const decimal MaxAmountUsd = 1_000_000_000m;

    /// <summary>Longest accepted key, in characters.</summary>
    public const int MaxKeyLength = 256;

    /// <summary>Throws <see cref="ArgumentException"/> for a key that is null, empty, too long or contains NUL.</summary>
    public static void CheckKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0) throw new ArgumentException("A budget key must not be empty.", nameof(key));
        if (key.Length > MaxKeyLength) throw new ArgumentException($"A budget key must be at most {MaxKeyLength} characters (got {key.Length}).", nameof(key));
        if (key.Contains('\0', StringComparison.Ordinal)) throw new ArgumentException("A budget key must not contain NUL characters.", nameof(key));
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a negative or huge amount.</summary>
    public static void CheckAmount(decimal amount, string name)
    {
        if (amount < 0) throw new ArgumentOutOfRangeException(name, amount, "An amount must not be negative.");
        if (amount > MaxAmountUsd) throw new ArgumentOutOfRangeException(name, amount, $"An amount must be at most {MaxAmountUsd} USD.");
    }

    /// <summary>The start of the period containing <paramref name="now"/> (UTC); <paramref name="since"/> for <see cref="BudgetPeriod.None"/>.</summary>
    public static DateTimeOffset PeriodStart(BudgetPeriod period, DateTimeOffset now, DateTimeOffset since)
    {
        var utc = now.UtcDateTime;
        return period switch
        {
            BudgetPeriod.Day => new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero),
            BudgetPeriod.Month => new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero),
            _ => since,
        };
    }
}
