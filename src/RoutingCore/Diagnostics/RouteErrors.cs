namespace RoutingCore;

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
