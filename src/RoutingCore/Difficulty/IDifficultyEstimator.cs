namespace RoutingCore;

/// <summary>
/// Estimates how much a request needs a stronger model, in [0, 1] (higher = harder), from its
/// <see cref="DifficultySignals"/>. Selected by name (<c>Routing:DifficultyEstimator</c>), as policies are.
/// </summary>
/// <remarks>Called once per <c>auto</c> route on the hot path: implementations must be pure, thread-safe and
/// allocation-free. A value outside [0, 1] is clamped and NaN is read as 0.5, so no estimator can push a NaN or an
/// infinity into routing.</remarks>
public interface IDifficultyEstimator
{
    /// <summary>The name configuration selects it by.</summary>
    string Name { get; }

    /// <summary>The difficulty of a request with these signals.</summary>
    double Estimate(in DifficultySignals signals);
}
