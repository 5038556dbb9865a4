namespace RoutingCore.Budgets;

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
