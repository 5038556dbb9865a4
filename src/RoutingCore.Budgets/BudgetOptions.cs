namespace RoutingCore.Budgets;

/// <summary>Budget settings, bound from a configuration section such as <c>Routing:Budgets</c>.</summary>
public sealed class BudgetOptions
{
    /// <summary>The default configuration section: <c>Routing:Budgets</c>.</summary>
    public const string DefaultSectionName = "Routing:Budgets";

    /// <summary>How long an unsettled reservation counts before it expires (its instance is presumed dead).</summary>
    /// <value>The default is 5 minutes. Set it above the longest call a host makes, streams included.</value>
    public TimeSpan ReservationTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Limits by key (ordinal), applied when the ledger starts.</summary>
    public Dictionary<string, BudgetLimitOptions> Keys { get; set; } = new(StringComparer.Ordinal);

    internal static void Validate(BudgetOptions o)
    {
        if (o.ReservationTtl <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(o), o.ReservationTtl, "ReservationTtl must be positive.");
        foreach (var (key, limit) in o.Keys)
        {
            BudgetArguments.CheckKey(key);
            if (limit.LimitUsd is { } usd) BudgetArguments.CheckAmount(usd, $"Keys:{key}:LimitUsd");
        }
    }
}
