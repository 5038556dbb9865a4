using RoutingCore.Catalog;

namespace RoutingCore;

/// <summary>
/// One immutable, versioned build of the catalog. The engine reads the current snapshot once per request, so a
/// reload never tears a decision: every decision is made, and reports its version, against exactly one snapshot.
/// </summary>
public sealed class CatalogSnapshot
{
    private readonly Utf8IdMap _ids;

    internal CatalogSnapshot(long version, ModelEntry[] models, AliasEntry[] aliases, IRoutingPolicy policy,
        bool allowHttpImageUrls, int maxFallbacks, string? asOf, ModelEntry[] imageOutputModels, ModelEntry[] imageOutputFrontier)
    {
        Version = version;
        ModelArray = models;
        AliasArray = aliases;
        Policy = policy;
        AllowHttpImageUrls = allowHttpImageUrls;
        MaxFallbacks = maxFallbacks;
        AsOf = asOf;
        ImageOutputModels = imageOutputModels;
        ImageOutputFrontier = imageOutputFrontier;
        var entries = new List<(byte[], int)>(models.Length + aliases.Length);
        for (int i = 0; i < models.Length; i++) entries.Add((models[i].IdUtf8, i));
        for (int i = 0; i < aliases.Length; i++) entries.Add((aliases[i].IdUtf8, ~i));
        _ids = new Utf8IdMap(entries);
    }

    /// <summary>Monotonic version, starting at 1 for the first snapshot an engine builds.</summary>
    public long Version { get; }

    /// <summary>Models, sorted by ordinal id.</summary>
    public IReadOnlyList<ModelEntry> Models => ModelArray;

    /// <summary>Aliases, sorted by ordinal id.</summary>
    public IReadOnlyList<AliasEntry> Aliases => AliasArray;

    internal ModelEntry[] ModelArray { get; }
    internal AliasEntry[] AliasArray { get; }

    /// <summary>The policy that ranks alias candidates.</summary>
    public IRoutingPolicy Policy { get; }

    /// <summary>Whether http image URLs are accepted.</summary>
    public bool AllowHttpImageUrls { get; }

    /// <summary>Ranked fallbacks per alias decision.</summary>
    public int MaxFallbacks { get; }

    /// <summary>The date the figures are as of.</summary>
    public string? AsOf { get; }

    /// <summary>Whether forwarded streaming chat bodies get <c>stream_options.include_usage</c> (<see cref="RoutingOptions.IncludeStreamUsage"/>).</summary>
    public bool IncludeStreamUsage { get; init; }

    /// <summary>The estimator that gives <c>auto</c> routes their difficulty (<see cref="RoutingOptions.DifficultyEstimator"/>).</summary>
    public IDifficultyEstimator DifficultyEstimator { get; init; } = FittedDifficultyEstimator.Default;

    /// <summary>When text is counted exactly (<see cref="RoutingOptions.ExactTokens"/>).</summary>
    public ExactTokensMode ExactTokens { get; init; }

    /// <summary>The exact counter of the engine that built the snapshot (set before it goes live), for metering streamed text.</summary>
    public IExactTokenCounter? ExactTokenCounter
    {
        get => _exact;
        internal set
        {
            _exact = value;
            _exactOutput = value is null ? [] : [.. TokenizerNames.All.Select(e => value.Supports(e) ? new ExactOutputCounter(value, e) : null)];
        }
    }

    private IExactTokenCounter? _exact;
    private ExactOutputCounter?[] _exactOutput = [];

    /// <summary>The response-text counter for an encoding index, shared per snapshot so metering allocates nothing for it.</summary>
    internal ITokenCounter? ExactOutputCounter(int tokenizerIndex) => (uint)tokenizerIndex < (uint)_exactOutput.Length ? _exactOutput[tokenizerIndex] : null;

    /// <summary>Bit per <see cref="TokenizerNames"/> index: the encodings some model uses.</summary>
    internal int TokenizerMask { get; init; }

    internal ModelEntry[] ImageOutputModels { get; }

    internal ModelEntry[] ImageOutputFrontier { get; }

    /// <summary>
    /// Resolves a requested id. Surrounding ASCII whitespace is ignored and ASCII letters compare case-insensitively;
    /// a <c>provider/</c> prefix is accepted when it names the model's own provider. This is the only place ids are
    /// normalised, so an allow-list sees the canonical id however the request spelled it.
    /// </summary>
    public bool TryResolve(ReadOnlySpan<byte> requested, out ModelEntry? model, out AliasEntry? alias)
    {
        model = null; alias = null;
        var id = requested.Trim(" \t\r\n"u8);
        if (TryLookup(id, out model, out alias)) return true;
        int slash = id.IndexOf((byte)'/');
        if (slash > 0 && TryLookup(id[(slash + 1)..], out var m, out _) && m is not null
            && Ascii.EqualsIgnoreCase(id[..slash], m.ProviderUtf8))
        {
            model = m;
            return true;
        }
        return false;
    }

    /// <summary>Resolves a requested id given as a string.</summary>
    public bool TryResolve(string requested, out ModelEntry? model, out AliasEntry? alias)
    {
        ArgumentNullException.ThrowIfNull(requested);
        return TryResolve(Encoding.UTF8.GetBytes(requested), out model, out alias);
    }

    private bool TryLookup(ReadOnlySpan<byte> id, out ModelEntry? model, out AliasEntry? alias)
    {
        model = null; alias = null;
        if (!_ids.TryGetValue(id, out int value)) return false;
        if (value >= 0) model = ModelArray[value];
        else alias = AliasArray[~value];
        return true;
    }
}
