namespace RoutingCore.Budgets;

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
