namespace RoutingCore;

/// <summary>The difficulty estimators that ship with RoutingCore.</summary>
public static class DifficultyEstimators
{
    /// <summary><c>fitted</c> (the default): the weights fitted on labelled prompts and embedded in the assembly.</summary>
    public static FittedDifficultyEstimator Fitted => FittedDifficultyEstimator.Default;

    /// <summary>The name of the default estimator.</summary>
    public const string DefaultName = "fitted";

    /// <summary>Clamps an estimator's answer into [0, 1]; NaN becomes the middle, 0.5.</summary>
    internal static double Sanitize(double value) => double.IsNaN(value) ? 0.5 : Math.Clamp(value, 0.0, 1.0);
}
