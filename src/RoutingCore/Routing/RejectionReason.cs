namespace RoutingCore;

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
