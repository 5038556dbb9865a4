namespace RoutingCore.Budgets;

/// <summary>The outcome of <see cref="IBudgetLedger.ReserveAsync"/>.</summary>
/// <param name="Granted">True when the estimate fits the budget.</param>
/// <param name="Id">The reservation's id (settle and release are idempotent by it); <see cref="Guid.Empty"/> when refused.</param>
/// <param name="Key">The key it was made against.</param>
/// <param name="AmountUsd">The reserved estimate.</param>
/// <param name="RemainingUsd">What is left after this reservation (when refused: what is left); <c>null</c> for a key without a limit.</param>
/// <param name="ExpiresAt">When an unsettled reservation stops counting.</param>
public readonly record struct BudgetReservation(bool Granted, Guid Id, string Key, decimal AmountUsd, decimal? RemainingUsd, DateTimeOffset ExpiresAt);
