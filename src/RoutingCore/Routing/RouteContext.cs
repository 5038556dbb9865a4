namespace RoutingCore;

/// <summary>Per-call host constraints. <c>default</c> infers the endpoint from the body and constrains nothing.</summary>
public readonly struct RouteContext
{
    /// <summary>The endpoint the body was sent to.</summary>
    /// <value>The default is <see cref="RequestEndpoint.Auto"/>.</value>
    public RequestEndpoint Endpoint { get; init; }

    /// <summary>
    /// The tenant's allow-list of canonical model ids (compare with <see cref="StringComparer.OrdinalIgnoreCase"/>);
    /// <c>null</c> allows every model. Pinned and direct ids outside it are <c>model_not_allowed</c>; alias candidates
    /// outside it are filtered out.
    /// </summary>
    public IReadOnlySet<string>? AllowedModels { get; init; }

    /// <summary>Largest acceptable estimated cost in USD; <c>null</c> for no limit.</summary>
    public decimal? MaxCostUsd { get; init; }

    /// <summary>
    /// Overrides <see cref="RoutingOptions.ExactTokens"/> for this request: a host whose budget reservation was refused
    /// on the heuristic estimate routes again with <see cref="ExactTokensMode.Always"/>; <c>null</c> keeps the catalog's mode.
    /// </summary>
    public ExactTokensMode? ExactTokens { get; init; }

    /// <summary>
    /// The host's health view (spec R-HEALTH-1): candidates cooling down are rejected (<c>cooling_down</c>) unless
    /// nothing else is eligible, degraded ones rank after healthy ones. <c>null</c>: every model is healthy.
    /// </summary>
    public IModelHealth? Health { get; init; }
}
