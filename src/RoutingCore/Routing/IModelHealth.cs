namespace RoutingCore;

/// <summary>
/// The host's view of model and provider health, read by the router on the hot path (<see cref="RouteContext.Health"/>).
/// Implementations must be thread-safe, allocation-free and answer from a snapshot: the same answers for the same
/// moment, so a decision stays a pure function of the catalog, the bytes, the context and this view.
/// </summary>
public interface IModelHealth
{
    /// <summary>The status of <paramref name="model"/> (its provider's status included).</summary>
    HealthStatus GetStatus(ModelEntry model);
}
