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

/// <summary>The policies that ship with RoutingCore.</summary>
public static class RoutingPolicies
{
    /// <summary>
    /// <c>balanced</c>: quality minus 0.1 per decade of cost above a tenth of a cent:
    /// <c>Quality − 0.1 × log10(1 + cost / 0.001 USD)</c>. A model ten times dearer must be 0.1 better to win.
    /// </summary>
    public static IRoutingPolicy Balanced { get; } = new BalancedPolicy();

    /// <summary><c>cheapest</c>: the lowest estimated cost (score = −cost).</summary>
    public static IRoutingPolicy Cheapest { get; } = new CheapestPolicy();

    /// <summary><c>quality</c>: the highest quality (cost breaks ties).</summary>
    public static IRoutingPolicy Quality { get; } = new QualityPolicy();

    /// <summary>The built-in policies.</summary>
    public static IReadOnlyList<IRoutingPolicy> BuiltIn { get; } = [Balanced, Cheapest, Quality];

    private sealed class BalancedPolicy : IRoutingPolicy
    {
        public string Name => "balanced";
        public double Score(ModelEntry model, in CostEstimate estimate)
            => model.Quality - 0.1 * Math.Log10(1.0 + estimate.CostPicoUsd * 1e-9);

        // log10(1 + x) >= 0 for x >= 0, so the score never exceeds the quality.
        public double MaxScore(ModelEntry model) => model.Quality;
    }

    private sealed class CheapestPolicy : IRoutingPolicy
    {
        public string Name => "cheapest";
        public double Score(ModelEntry model, in CostEstimate estimate) => -(double)estimate.CostPicoUsd;
    }

    private sealed class QualityPolicy : IRoutingPolicy
    {
        public string Name => "quality";
        public double Score(ModelEntry model, in CostEstimate estimate) => model.Quality;

        public double MaxScore(ModelEntry model) => model.Quality;
    }
}
