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
