namespace RoutingCore;

/// <summary>One candidate of an alias decision, as <see cref="RouteDetails.Explain"/> records it.</summary>
/// <param name="Model">The candidate.</param>
/// <param name="Status"><c>chosen</c>, <c>eligible</c>, <c>degraded</c> (eligible, ranked after healthy ones by the health view) or <c>rejected</c>.</param>
/// <param name="Score">The policy score (NaN when rejected before scoring).</param>
/// <param name="CostUsd">Its estimated cost (0 when rejected before estimating).</param>
/// <param name="Reason">Why it was rejected.</param>
public sealed record RouteExplanation(ModelEntry Model, string Status, double Score, decimal CostUsd, RejectionReason Reason)
{
    /// <summary>The snake_case name of a rejection reason.</summary>
    public static string ReasonName(RejectionReason reason) => reason switch
    {
        RejectionReason.None => "",
        RejectionReason.MissingCapability => "missing_capability",
        RejectionReason.TooManyImages => "too_many_images",
        RejectionReason.UnsupportedImageFormat => "unsupported_image_format",
        RejectionReason.AnimatedImageUnsupported => "animated_image_unsupported",
        RejectionReason.ImageTooLarge => "image_too_large",
        RejectionReason.MediaTypeMismatch => "image_media_type_mismatch",
        RejectionReason.OutputTooLong => "max_tokens_above_limit",
        RejectionReason.SizeNotAllowed => "size_not_allowed",
        RejectionReason.TooManyOutputImages => "too_many_output_images",
        RejectionReason.ContextLengthExceeded => "context_length_exceeded",
        RejectionReason.NotAllowed => "model_not_allowed",
        RejectionReason.OverBudget => "over_budget",
        RejectionReason.AspectRatioNotAllowed => "aspect_ratio_not_allowed",
        RejectionReason.ResolutionNotAllowed => "resolution_not_allowed",
        RejectionReason.EndpointUnsupported => "endpoint_unsupported",
        RejectionReason.CoolingDown => "cooling_down",
        _ => reason.ToString(),
    };

    /// <summary>The reason's name, with the missing capability when there is one.</summary>
    public string ReasonText { get; init; } = ReasonName(Reason);
}
