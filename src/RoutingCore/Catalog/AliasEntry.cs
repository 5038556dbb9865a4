namespace RoutingCore;

/// <summary>An immutable alias of a catalog snapshot.</summary>
public sealed class AliasEntry
{
    /// <summary>The id.</summary>
    public required string Id { get; init; }
    internal byte[] IdUtf8 { get; init; } = [];
    /// <summary>The kind.</summary>
    public AliasKind Kind { get; init; }
    /// <summary>The tier of a tier alias.</summary>
    public string? Tier { get; init; }
    /// <summary>The model of a pinned alias.</summary>
    public ModelEntry? Target { get; init; }
    /// <summary>Description.</summary>
    public string? Description { get; init; }
    /// <summary>Precomputed candidates (auto: text models; tier: the tier's models; image: image-output models).</summary>
    public ModelEntry[] Candidates { get; init; } = [];

    /// <summary>
    /// <see cref="Candidates"/> without the models that can never reach the top of a decision (see
    /// <c>CatalogFrontier</c>); what the router walks when no allow-list or explanation asks for every candidate.
    /// </summary>
    internal ModelEntry[] Frontier { get; init; } = [];

    /// <summary>
    /// An <c>auto</c> alias's trade-off between cost and quality (spec R-DIFF-5): 0 = the cheapest eligible model,
    /// 1 = the highest-quality one, in between a required quality that rises with the request's difficulty;
    /// <c>null</c> = the policy's static ranking.
    /// </summary>
    public double? Tradeoff { get; init; }

    /// <summary>What an <c>auto</c> alias's difficulty is a percentile of (spec R-DIFF-8).</summary>
    public DifficultyCalibration Calibration { get; init; }

    /// <summary>The sketch of recent difficulties when <see cref="Calibration"/> is <see cref="DifficultyCalibration.Live"/> (state the catalog owns; a reload starts afresh).</summary>
    internal Difficulty.TrafficPercentiles? Live { get; init; }

    /// <summary>The lowest <see cref="ModelEntry.Quality"/> among the candidates (the bottom of the required-quality scale).</summary>
    public double QualityMin { get; init; }

    /// <summary>The highest <see cref="ModelEntry.Quality"/> among the candidates (the top of the required-quality scale).</summary>
    public double QualityMax { get; init; }

    /// <summary>Wire name of an alias kind.</summary>
    public static string KindName(AliasKind kind) => kind switch
    {
        AliasKind.Auto => "auto",
        AliasKind.Tier => "tier",
        AliasKind.Image => "image",
        AliasKind.Pinned => "pinned",
        _ => "model",
    };
}
