namespace RoutingCore;

/// <summary>An image-token formula of FACTS §1 (see <c>spec/estimation.md</c>).</summary>
public enum ImageTokenFormula : byte
{
    /// <summary><c>openai-tile</c>: base + tile × 512-px tiles after scaling.</summary>
    OpenAITile,
    /// <summary><c>openai-patch</c>: 32-px patches, capped at 1536, times a multiplier.</summary>
    OpenAIPatch,
    /// <summary><c>anthropic</c>: 28-px patches after resizing into the edge and token limits.</summary>
    Anthropic,
    /// <summary><c>gemini</c>: 258 per image up to 384², else per crop tile.</summary>
    Gemini,
    /// <summary><c>flat</c>: a fixed count per image.</summary>
    Flat,
}

/// <summary>Immutable image-input rules of one model, resolved from <see cref="ImageInputOptions"/>.</summary>
public sealed class ImageInputSpec
{
    /// <summary>The formula.</summary>
    public required ImageTokenFormula Formula { get; init; }
    /// <summary>Formula name as configured.</summary>
    public required string FormulaName { get; init; }
    /// <summary>openai-tile base tokens.</summary>
    public int BaseTokens { get; init; }
    /// <summary>openai-tile / gemini tile tokens.</summary>
    public int TileTokens { get; init; }
    /// <summary>openai-patch multiplier.</summary>
    public double Multiplier { get; init; }
    /// <summary>anthropic patch size.</summary>
    public int PatchSize { get; init; } = 28;
    /// <summary>anthropic max edge.</summary>
    public int MaxEdge { get; init; } = 1568;
    /// <summary>anthropic max tokens.</summary>
    public int MaxTokens { get; init; } = 1568;
    /// <summary>flat tokens per image.</summary>
    public int TokensPerImage { get; init; }
    /// <summary>Accepted formats.</summary>
    public ImageFormatSet Formats { get; init; }
    /// <summary>Animated images accepted.</summary>
    public bool AllowAnimated { get; init; }
    /// <summary>Most images per request (0 = unlimited).</summary>
    public int MaxImages { get; init; }
    /// <summary>Most bytes per inline image (0 = unlimited).</summary>
    public long MaxImageBytes { get; init; }
    /// <summary>Largest dimension (0 = unlimited).</summary>
    public int MaxDimension { get; init; }
    /// <summary>Reject declared/sniffed mismatches.</summary>
    public bool StrictMediaType { get; init; }
    /// <summary>Dimensions assumed for images of unknown size.</summary>
    public int AssumedWidth { get; init; }
    /// <summary>Dimensions assumed for images of unknown size.</summary>
    public int AssumedHeight { get; init; }
}

/// <summary>One price rule of an image-output model; 0 width or <see cref="ImageQuality.Unspecified"/> matches any.</summary>
public readonly record struct ImagePriceRule(int Width, int Height, ImageQuality Quality, decimal Price)
{
    internal long PricePico { get; init; }
}

/// <summary>Immutable image-output rules of one model, resolved from <see cref="ImageOutputOptions"/>.</summary>
public sealed class ImageOutputSpec
{
    /// <summary>Fallback price per image.</summary>
    public decimal PricePerImage { get; init; }
    internal long PricePerImagePico { get; init; }
    /// <summary>Most images per request (0 = unlimited).</summary>
    public int MaxImages { get; init; }
    /// <summary>Default size width (0 when none).</summary>
    public int DefaultWidth { get; init; }
    /// <summary>Default size height.</summary>
    public int DefaultHeight { get; init; }
    /// <summary>Allowed sizes (empty = any).</summary>
    public required (int Width, int Height)[] Sizes { get; init; }
    /// <summary>Price rules.</summary>
    public required ImagePriceRule[] Prices { get; init; }
    /// <summary>True when the model bills generated images by <c>usage</c> tokens (<see cref="ImageOutputOptions.OutputPerMillion"/> set).</summary>
    public bool TokenBilled { get; init; }
    /// <summary>USD per million text input tokens (token-billed models).</summary>
    public decimal TextInputPerMillion { get; init; }
    /// <summary>USD per million image input tokens (token-billed models).</summary>
    public decimal ImageInputPerMillion { get; init; }
    /// <summary>USD per million image output tokens (token-billed models).</summary>
    public decimal OutputPerMillion { get; init; }
    internal long TextInputPico { get; init; }
    internal long ImageInputPico { get; init; }
    internal long OutputPico { get; init; }
    /// <summary>Allowed aspect ratios (empty = any).</summary>
    public (int Width, int Height)[] AspectRatios { get; init; } = [];
    /// <summary>Allowed resolutions, upper-case (empty = any).</summary>
    public IReadOnlyList<string> Resolutions { get; init; } = [];
    internal byte[][] ResolutionsUtf8 { get; init; } = [];
}

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

/// <summary>How the requested id was resolved.</summary>
public enum AliasKind : byte
{
    /// <summary>The id names a model directly.</summary>
    Direct = 0,
    /// <summary>Every eligible model, ranked.</summary>
    Auto,
    /// <summary>Eligible models of one tier, ranked.</summary>
    Tier,
    /// <summary>Image-output models, ranked.</summary>
    Image,
    /// <summary>Exactly one model.</summary>
    Pinned,
}

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
