namespace RoutingCore.Budgets;

/// <summary>One key's configured limit.</summary>
public sealed class BudgetLimitOptions
{
    /// <summary>The limit in USD; <c>null</c> for none.</summary>
    public decimal? LimitUsd { get; set; }

    /// <summary>The period.</summary>
    /// <value>The default is <see cref="BudgetPeriod.None"/>.</value>
    public BudgetPeriod Period { get; set; }
}
