namespace RoutingCore;

/// <summary>Per-call host constraints. <c>default</c> infers the endpoint from the body and constrains nothing.</summary>
public readonly struct RouteContext
{
    /// <summary>The endpoint the body was sent to.</summary>
    /// <value>The default is <see cref="RequestEndpoint.Auto"/>.</value>
    public RequestEndpoint Endpoint { get; init; }

    /// <summary>
    /// The tenant's allow-list of canonical model ids (compare with <see cref="StringComparer.OrdinalIgnoreCase"/>);
    /// <c>null</c> allows every model. Pinned and direct ids outside it are <c>model_not_allowed</c>; alias candidates
    /// outside it are filtered out.
    /// </summary>
    public IReadOnlySet<string>? AllowedModels { get; init; }

    /// <summary>Largest acceptable estimated cost in USD; <c>null</c> for no limit.</summary>
    public decimal? MaxCostUsd { get; init; }

    /// <summary>
    /// Overrides <see cref="RoutingOptions.ExactTokens"/> for this request: a host whose budget reservation was refused
    /// on the heuristic estimate routes again with <see cref="ExactTokensMode.Always"/>; <c>null</c> keeps the catalog's mode.
    /// </summary>
    public ExactTokensMode? ExactTokens { get; init; }

    /// <summary>
    /// The host's health view (spec R-HEALTH-1): candidates cooling down are rejected (<c>cooling_down</c>) unless
    /// nothing else is eligible, degraded ones rank after healthy ones. <c>null</c>: every model is healthy.
    /// </summary>
    public IModelHealth? Health { get; init; }
}

/// <summary>Why a candidate model cannot serve a request.</summary>
public enum RejectionReason : byte
{
    /// <summary>Eligible.</summary>
    None = 0,
    /// <summary>Lacks a required capability.</summary>
    MissingCapability,
    /// <summary>More images than it accepts.</summary>
    TooManyImages,
    /// <summary>An image format it does not accept.</summary>
    UnsupportedImageFormat,
    /// <summary>An animated image it does not accept.</summary>
    AnimatedImageUnsupported,
    /// <summary>An image beyond its dimension or byte limit.</summary>
    ImageTooLarge,
    /// <summary>A declared media type that differs from the bytes, on a strict model.</summary>
    MediaTypeMismatch,
    /// <summary><c>max_tokens</c> above its output limit.</summary>
    OutputTooLong,
    /// <summary>A generated-image size it does not offer.</summary>
    SizeNotAllowed,
    /// <summary>More generated images than it makes per request.</summary>
    TooManyOutputImages,
    /// <summary>Input plus output above its context window.</summary>
    ContextLengthExceeded,
    /// <summary>Outside the host's allow-list.</summary>
    NotAllowed,
    /// <summary>Above the host's maximum cost.</summary>
    OverBudget,
    /// <summary>An <c>image_config.aspect_ratio</c> it does not offer.</summary>
    AspectRatioNotAllowed,
    /// <summary>An <c>image_config.resolution</c> it does not offer.</summary>
    ResolutionNotAllowed,
    /// <summary>Its upstream cannot take the request's shape as-is (its <c>Endpoints</c>).</summary>
    EndpointUnsupported,
    /// <summary>In a cooldown by the host's health view (<see cref="RouteContext.Health"/>).</summary>
    CoolingDown,
}
