using RoutingCore.Parsing;

namespace RoutingCore;

/// <summary>
/// A reusable holder for what a decision does not carry inline: per-image facts and tokens, the requested id, and
/// (when <see cref="Explain"/> is set) every candidate with its score or rejection. Reuse one instance per thread.
/// </summary>
public sealed class RouteDetails
{
    internal RequestFacts Facts { get; } = new();
    private long[] _imageTokens = new long[8];
    private readonly List<RouteExplanation> _candidates = [];

    /// <summary>Record every candidate (allocates; for tools and diagnostics, not the hot path).</summary>
    public bool Explain { get; set; }

    /// <summary>Image facts, in request order.</summary>
    public ReadOnlySpan<ImageFact> Images => Facts.ImageSpan;

    /// <summary>Image tokens of each image on the chosen model (0 when none was chosen or it has no vision).</summary>
    public ReadOnlySpan<long> ImageTokens => _imageTokens.AsSpan(0, Facts.ImageCount);

    /// <summary>The explained candidates, ranked (chosen first, then eligible by rank, then rejected by id).</summary>
    public IReadOnlyList<RouteExplanation> Candidates => _candidates;

    /// <summary>The model id as the request spelled it (after unescaping), or <c>null</c> when absent.</summary>
    public string? RequestedModel => Facts.HasModel ? (Facts.ModelTooLong ? "(too long)" : Encoding.UTF8.GetString(Facts.Model)) : null;

    /// <summary>Unknown content parts (audio, files, documents…), priced as text of their JSON size.</summary>
    public int OtherParts => Facts.OtherParts;

    /// <summary>What the scan measured for the difficulty estimate (spec R-DIFF-2), for explanations and custom estimators.</summary>
    public DifficultySignals DifficultySignals => Facts.Signals;

    /// <summary>Requested generated images.</summary>
    public int OutputImages => Facts.OutputImageCount;

    internal List<RouteExplanation> CandidateList => _candidates;

    internal void SetImageTokens(ModelEntry? model)
    {
        if (_imageTokens.Length < Facts.ImageCount) _imageTokens = new long[Facts.Images.Length];
        var images = Facts.ImageSpan;
        for (int i = 0; i < images.Length; i++)
        {
            ref readonly var image = ref images[i];
            _imageTokens[i] = model?.ImageInput is not { } spec ? 0
                : image.DimensionsKnown ? RoutingCore.ImageTokens.Compute(spec, image.Width, image.Height, image.Detail)
                : RoutingCore.ImageTokens.Assumed(spec, image.Detail);
        }
    }
}
