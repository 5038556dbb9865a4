namespace RoutingCore;

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
