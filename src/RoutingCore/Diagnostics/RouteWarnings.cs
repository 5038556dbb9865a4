namespace RoutingCore;

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
