namespace RoutingCore;

/// <summary>
/// Ranks the eligible candidates of an alias. Higher scores win; ties break by lower estimated cost, then by
/// ordinal model id, so a decision is a pure function of the catalog and the request bytes.
/// </summary>
/// <remarks>Called once per candidate on the hot path: implementations must be pure, thread-safe and allocation-free.</remarks>
public interface IRoutingPolicy
{
    /// <summary>The name configuration selects it by (<c>Routing:Policy</c>).</summary>
    string Name { get; }

    /// <summary>The score of <paramref name="model"/> for this request, given its estimate.</summary>
    double Score(ModelEntry model, in CostEstimate estimate);

    /// <summary>
    /// An upper bound of <see cref="Score"/> for <paramref name="model"/> over every possible request, or
    /// <see cref="double.PositiveInfinity"/> when there is none (the default).
    /// </summary>
    /// <remarks>Each snapshot orders alias candidates by this bound, best first, so the router can stop as soon as
    /// the next bound is below the worst score it keeps: the decision is the same, large catalogs cost less. A
    /// bound that is not a true upper bound changes decisions.</remarks>
    double MaxScore(ModelEntry model) => double.PositiveInfinity;
}
