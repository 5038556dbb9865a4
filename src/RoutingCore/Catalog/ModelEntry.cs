namespace RoutingCore;

/// <summary>An immutable model of a catalog snapshot.</summary>
public sealed class ModelEntry
{
    /// <summary>The id, as configured.</summary>
    public required string Id { get; init; }
    internal byte[] IdUtf8 { get; init; } = [];
    /// <summary>Position in <see cref="CatalogSnapshot.Models"/> (sorted by ordinal id).</summary>
    public int Index { get; internal set; }
    /// <summary>Provider.</summary>
    public required string Provider { get; init; }
    /// <summary>The id written into the forwarded body (the catalog id unless configured).</summary>
    public string UpstreamModel { get; init; } = "";
    /// <summary><see cref="UpstreamModel"/> as a quoted JSON string in UTF-8, ready to copy.</summary>
    internal byte[] UpstreamModelJson { get; init; } = [];
    /// <summary>The request shapes the upstream accepts as-is.</summary>
    public EndpointSet Endpoints { get; init; } = EndpointSet.All;
    internal byte[] ProviderUtf8 { get; init; } = [];
    /// <summary>Tier (lower-case); <c>null</c> when the model is in no tier.</summary>
    public string? Tier { get; init; }
    /// <summary>The public encoding its text is tokenized with (<c>o200k_base</c>, <c>cl100k_base</c>); <c>null</c> when none is public.</summary>
    public string? Tokenizer { get; init; }
    internal int TokenizerIndex { get; init; } = -1;
    /// <summary>Quality in [0, 1].</summary>
    public double Quality { get; init; }
    /// <summary>Capabilities.</summary>
    public Capabilities Capabilities { get; init; }
    /// <summary>Context window (0 = unlimited).</summary>
    public long ContextWindow { get; init; }
    /// <summary>Largest max_tokens (0 = unlimited).</summary>
    public long MaxOutputTokens { get; init; }
    /// <summary>Output tokens assumed without max_tokens.</summary>
    public long DefaultOutputTokens { get; init; }
    /// <summary>USD per million input tokens.</summary>
    public decimal InputPerMillion { get; init; }
    /// <summary>USD per million output tokens.</summary>
    public decimal OutputPerMillion { get; init; }
    /// <summary>Pico-dollars per input token (exact; see <c>Money</c>).</summary>
    internal long InputPicoPerToken { get; init; }
    /// <summary>Pico-dollars per output token.</summary>
    internal long OutputPicoPerToken { get; init; }
    /// <summary>USD per million cached input tokens (the input price when not configured).</summary>
    public decimal CachedInputPerMillion { get; init; }
    /// <summary>USD per million cache-write tokens (the input price when not configured).</summary>
    public decimal CacheWritePerMillion { get; init; }
    internal long CachedInputPicoPerToken { get; init; }
    internal long CacheWritePicoPerToken { get; init; }
    /// <summary>Image input rules, when the model has vision.</summary>
    public ImageInputSpec? ImageInput { get; init; }
    /// <summary>Image output rules, when the model generates images.</summary>
    public ImageOutputSpec? ImageOutput { get; init; }
    /// <summary>Some figures unconfirmed.</summary>
    public bool Unconfirmed { get; init; }
    /// <summary>Notes.</summary>
    public string? Notes { get; init; }

    /// <summary>True when the model has every capability in <paramref name="required"/>.</summary>
    public bool Has(Capabilities required) => (Capabilities & required) == required;
}
