namespace RoutingCore;

/// <summary>An alias the request's <c>model</c> may name.</summary>
public sealed class AliasOptions
{
    /// <summary><c>auto</c>, <c>tier</c>, <c>image</c> or <c>pinned</c>.</summary>
    public string? Kind { get; set; }
    /// <summary>The tier of a <c>tier</c> alias.</summary>
    public string? Tier { get; set; }
    /// <summary>The model of a <c>pinned</c> alias.</summary>
    public string? Model { get; set; }
    /// <summary>
    /// An <c>auto</c> alias's trade-off in [0, 1] (spec R-DIFF-5): 0 = the cheapest eligible model, 1 = the
    /// highest-quality eligible model; in between, the request's difficulty sets a required quality and the cheapest
    /// candidate that meets it serves (the highest-quality one when none does).
    /// </summary>
    /// <value>The default is <see langword="null"/>: the policy's static ranking (difficulty is still reported).</value>
    public double? Tradeoff { get; set; }
    /// <summary>
    /// What an <c>auto</c> alias's difficulty is a percentile of (spec R-DIFF-8): <c>Reference</c> (the default, the
    /// reference mix shipped with the weights) or <c>Live</c> (this alias's recent traffic).
    /// </summary>
    public DifficultyCalibration Calibration { get; set; }
    /// <summary>Free-form description shown in the models list.</summary>
    public string? Description { get; set; }
}
