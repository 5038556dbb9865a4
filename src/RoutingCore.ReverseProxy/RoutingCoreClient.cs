namespace RoutingCore.ReverseProxy;

/// <summary>A caller RoutingCore routes for: who is billed and what it may use.</summary>
/// <param name="LedgerId">The budget ledger's key for this caller (never the secret itself).</param>
/// <param name="Context">The caller's allow-list and cost cap (its <c>Endpoint</c> and <c>Health</c> are set per request).</param>
/// <param name="Reserve">What a request reserves against the budget.</param>
/// <param name="State">The host's own data for this caller (its admission policy reads it).</param>
public sealed record RoutingCoreClient(string LedgerId, RouteContext Context, ReserveMode Reserve = ReserveMode.Estimate, object? State = null)
{
    /// <summary>
    /// The client's name in telemetry (the <c>routingcore.client</c> tag of the spend counter) — a configured name,
    /// never a secret; <see langword="null"/> means the <see cref="LedgerId"/>.
    /// </summary>
    public string? Name { get; init; }
}
