using System.Runtime.CompilerServices;

namespace RoutingCore;

/// <summary>Up to four ranked fallbacks, stored inline so a decision costs no allocation.</summary>
[InlineArray(MaxCount)]
internal struct FallbackBuffer
{
    public const int MaxCount = 4;
    private ModelEntry? _first;
}

/// <summary>
/// The outcome of routing one request: a value (never an exception), allocation-free to produce and to read.
/// </summary>
public readonly partial struct RouteDecision
{
    private readonly FallbackBuffer _fallbacks;
    private readonly Parsing.ForwardingFacts _forward;

    internal RouteDecision(CatalogSnapshot snapshot, RequestEndpoint endpoint, RouteError error, ModelEntry? model, AliasEntry? alias,
        AliasKind aliasKind, Capabilities requirements, CostEstimate estimate, RouteWarnings warnings, int imageCount,
        in FallbackBuffer fallbacks, int fallbackCount, in Parsing.ForwardingFacts forward)
    {
        Catalog = snapshot; Endpoint = endpoint; Error = error; Model = model; Alias = alias; AliasKind = aliasKind;
        Requirements = requirements; Estimate = estimate; Warnings = warnings; ImageCount = imageCount;
        _fallbacks = fallbacks; FallbackCount = fallbackCount; _forward = forward;
    }

    internal Parsing.ForwardingFacts Request => _forward;

    /// <summary>True when a model was chosen.</summary>
    public bool Succeeded => Error.Code == RouteErrorCode.None;

    /// <summary>The chosen model's canonical id; <c>null</c> on rejection.</summary>
    public string? ModelId => Succeeded ? Model?.Id : null;

    /// <summary>The error code (spec R-ERR-2); <c>null</c> on success.</summary>
    public string? ErrorCode => Error.CodeName;

    /// <summary>The version of the catalog snapshot the decision was made against.</summary>
    public long CatalogVersion => Catalog?.Version ?? 0;

    /// <summary>The snapshot the decision was made against.</summary>
    public CatalogSnapshot Catalog { get; }

    /// <summary>The endpoint (inferred when the context said <see cref="RequestEndpoint.Auto"/>).</summary>
    public RequestEndpoint Endpoint { get; }

    /// <summary>The error (code <see cref="RouteErrorCode.None"/> on success).</summary>
    public RouteError Error { get; }

    /// <summary>The chosen model; on a pinned or direct rejection, the model that was asked for.</summary>
    public ModelEntry? Model { get; }

    /// <summary>The alias the request named, if any.</summary>
    public AliasEntry? Alias { get; }

    /// <summary>How the requested id resolved.</summary>
    public AliasKind AliasKind { get; }

    /// <summary>What the request needs.</summary>
    public Capabilities Requirements { get; }

    /// <summary>The estimate on the chosen model.</summary>
    public CostEstimate Estimate { get; }

    /// <summary>Warnings.</summary>
    public RouteWarnings Warnings { get; }

    /// <summary>Number of image inputs.</summary>
    public int ImageCount { get; }

    /// <summary>
    /// The request's difficulty in [0, 1] (higher = needs a stronger model), by the catalog's
    /// <see cref="CatalogSnapshot.DifficultyEstimator"/>; set for every request routed through an <c>auto</c> alias,
    /// <c>null</c> otherwise (spec R-DIFF-1).
    /// </summary>
    public double? Difficulty { get; internal init; }

    /// <summary>
    /// The quality the difficulty required under the alias's <see cref="AliasEntry.Tradeoff"/>; <c>null</c> when the
    /// alias has none (the policy's static ranking) or for other routes (spec R-DIFF-5).
    /// </summary>
    public double? RequiredQuality { get; internal init; }

    /// <summary>The request's own output limit (<c>max_tokens</c>, <c>max_completion_tokens</c>); <c>null</c> when it set none and the model's default is assumed.</summary>
    public long? RequestedMaxTokens => _forward.MaxTokens > 0 ? _forward.MaxTokens : null;

    /// <summary>Number of ranked fallbacks (alias decisions only).</summary>
    public int FallbackCount { get; }

    /// <summary>
    /// How many models can serve this decision, in the order a host tries them: the chosen model, then each ranked
    /// fallback (all distinct). 0 on rejection.
    /// </summary>
    public int ServingModelCount => Succeeded && Model is not null ? 1 + FallbackCount : 0;

    /// <summary>The model of attempt <paramref name="index"/>: 0 is the chosen model, then the ranked fallbacks in order.</summary>
    public ModelEntry GetServingModel(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ServingModelCount);
        return index == 0 ? Model! : _fallbacks[index - 1]!;
    }

    /// <summary>The ranked fallback at <paramref name="index"/> (0 = the next best after the chosen model).</summary>
    public ModelEntry GetFallback(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, FallbackCount);
        return _fallbacks[index]!;
    }
}
