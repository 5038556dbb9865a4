namespace RoutingCore;

/// <summary>The stable error codes of a rejected request. <see cref="RouteErrors.Code"/> gives the snake_case wire name.</summary>
public enum RouteErrorCode : byte
{
    /// <summary>No error.</summary>
    None = 0,
    /// <summary><c>invalid_json</c>: malformed or truncated JSON, invalid UTF-8, lone surrogates, nesting deeper than 64.</summary>
    InvalidJson,
    /// <summary><c>duplicate_key</c>: a key the engine reads appears twice in one object.</summary>
    DuplicateKey,
    /// <summary><c>missing_model</c>: no <c>model</c> field.</summary>
    MissingModel,
    /// <summary><c>unknown_model</c>: the model id is neither a model nor an alias of the catalog.</summary>
    UnknownModel,
    /// <summary><c>invalid_parameter</c>: wrong type, out of range, overflowing number, or a value the model does not allow.</summary>
    InvalidParameter,
    /// <summary><c>invalid_image_data</c>: a malformed data URI, bad base64, or an unreadable image header.</summary>
    InvalidImageData,
    /// <summary><c>unsupported_image_format</c>: the sniffed format is not accepted by the model.</summary>
    UnsupportedImageFormat,
    /// <summary><c>image_url_not_allowed</c>: a scheme or host that must never be fetched upstream.</summary>
    ImageUrlNotAllowed,
    /// <summary><c>image_too_large</c>: dimensions or bytes beyond the model's limits.</summary>
    ImageTooLarge,
    /// <summary><c>too_many_images</c>: more images than the model accepts.</summary>
    TooManyImages,
    /// <summary><c>animated_image_unsupported</c>: an animated image for a model that accepts only still images.</summary>
    AnimatedImageUnsupported,
    /// <summary><c>model_lacks_capability</c>: a pinned or direct model lacks a capability the request needs.</summary>
    ModelLacksCapability,
    /// <summary><c>no_eligible_model</c>: no candidate of the alias meets the request.</summary>
    NoEligibleModel,
    /// <summary><c>model_not_allowed</c>: the host's allow-list does not contain the pinned or direct model.</summary>
    ModelNotAllowed,
    /// <summary><c>over_budget</c>: every otherwise eligible candidate costs more than the host's maximum.</summary>
    OverBudget,
    /// <summary><c>context_length_exceeded</c>: estimated input plus requested output exceeds the context window.</summary>
    ContextLengthExceeded,
    /// <summary><c>endpoint_not_supported</c>: a pinned or direct model whose upstream cannot take the request's shape as-is.</summary>
    EndpointNotSupported,
}

/// <summary>Non-fatal observations about a routed request.</summary>
[Flags]
public enum RouteWarnings : byte
{
    /// <summary>No warning.</summary>
    None = 0,
    /// <summary><c>image_media_type_mismatch</c>: the declared media type is not what the bytes are.</summary>
    ImageMediaTypeMismatch = 1,
    /// <summary><c>assumed_image_dimensions</c>: at least one image's size was unknown and assumed.</summary>
    AssumedImageDimensions = 2,
    /// <summary><c>image_before_text</c>: an image part precedes the text of its message.</summary>
    ImageBeforeText = 4,
    /// <summary><c>auto_alias_image_generation</c>: an <c>auto</c> alias was asked for image output and routed like the image alias.</summary>
    AutoAliasImageGeneration = 8,
    /// <summary><c>previous_response_not_estimated</c>: a Responses request continues an earlier response (<c>previous_response_id</c>) whose turns live at the provider and are not in the estimate.</summary>
    PreviousResponseNotEstimated = 16,
    /// <summary><c>cooling_down_served</c>: every eligible candidate is cooling down, so the least-bad one serves.</summary>
    CoolingDownServed = 32,
}

/// <summary>Wire names of error codes and warnings.</summary>
public static class RouteErrors
{
    private static readonly string[] s_codes =
    [
        "none", "invalid_json", "duplicate_key", "missing_model", "unknown_model", "invalid_parameter", "invalid_image_data",
        "unsupported_image_format", "image_url_not_allowed", "image_too_large", "too_many_images", "animated_image_unsupported",
        "model_lacks_capability", "no_eligible_model", "model_not_allowed", "over_budget", "context_length_exceeded", "endpoint_not_supported",
    ];

    /// <summary>Every error code's wire name, in enum order (without <c>none</c>).</summary>
    public static ReadOnlySpan<string> AllCodes => s_codes.AsSpan(1);

    /// <summary>The snake_case wire name of a code (<c>null</c> for <see cref="RouteErrorCode.None"/>).</summary>
    public static string? Code(RouteErrorCode code) => code == RouteErrorCode.None ? null : s_codes[(int)code];

    /// <summary>The snake_case wire names of a set of warnings, in a fixed order.</summary>
    public static IEnumerable<string> WarningNames(RouteWarnings warnings)
    {
        if ((warnings & RouteWarnings.ImageMediaTypeMismatch) != 0) yield return "image_media_type_mismatch";
        if ((warnings & RouteWarnings.AssumedImageDimensions) != 0) yield return "assumed_image_dimensions";
        if ((warnings & RouteWarnings.ImageBeforeText) != 0) yield return "image_before_text";
        if ((warnings & RouteWarnings.AutoAliasImageGeneration) != 0) yield return "auto_alias_image_generation";
        if ((warnings & RouteWarnings.PreviousResponseNotEstimated) != 0) yield return "previous_response_not_estimated";
        if ((warnings & RouteWarnings.CoolingDownServed) != 0) yield return "cooling_down_served";
    }
}
