namespace RoutingCore;

/// <summary>
/// What an <c>auto</c> alias's difficulty is a percentile of (spec R-DIFF-8), so that its <c>Tradeoff</c> reads as a
/// share of traffic sent up.
/// </summary>
public enum DifficultyCalibration : byte
{
    /// <summary>The reference mix of requests shipped with the estimator's weights (the default): decisions are a pure function of the request.</summary>
    Reference = 0,
    /// <summary>
    /// This alias's own recent traffic (the last 1,024 requests of this catalog, in a fixed-size sketch): the Tradeoff is
    /// the share of <em>this</em> traffic that goes up. Decisions then depend on what came before; a catalog reload starts afresh.
    /// </summary>
    Live = 1,
}
