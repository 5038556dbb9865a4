namespace RoutingCore.Budgets;

/// <summary>A key's budget at one moment.</summary>
/// <param name="LimitUsd">The limit; <c>null</c> when the key has none (unlimited).</param>
/// <param name="SpentUsd">Settled spend in the current period.</param>
/// <param name="ReservedUsd">Live (granted, unsettled, unexpired) reservations.</param>
/// <param name="PeriodStart">The start of the current period.</param>
/// <param name="Period">The period.</param>
public readonly record struct BudgetStatus(decimal? LimitUsd, decimal SpentUsd, decimal ReservedUsd, DateTimeOffset PeriodStart, BudgetPeriod Period);
