namespace RoutingCore;

/// <summary>A rejection: a stable code, the JSON path of the offending value, and a message built on demand.</summary>
public readonly struct RouteError
{
    private readonly string? _detail;
    private readonly ModelEntry? _model;
    private readonly Capabilities _missing;
    private readonly int _reasons;

    internal RouteError(RouteErrorCode code, JsonParam param, string? detail, ModelEntry? model = null, Capabilities missing = default, int reasons = 0)
    {
        Code = code; Param = param; _detail = detail; _model = model; _missing = missing; _reasons = reasons;
    }

    /// <summary>The code (<see cref="RouteErrorCode.None"/> on success).</summary>
    public RouteErrorCode Code { get; }

    /// <summary>The snake_case code, or <c>null</c> on success.</summary>
    public string? CodeName => RouteErrors.Code(Code);

    /// <summary>Where in the body the offending value is (empty when the body as a whole is at fault).</summary>
    public JsonParam Param { get; }

    /// <summary>The capabilities a pinned or direct model lacks (for <c>model_lacks_capability</c>).</summary>
    public Capabilities MissingCapabilities => _missing;

    /// <summary>A human-readable message. Built when read, so rejections cost nothing until someone looks.</summary>
    public string Message
    {
        get
        {
            string subject = _model is null ? "" : $"Model '{_model.Id}': ";
            return Code switch
            {
                RouteErrorCode.None => "",
                RouteErrorCode.ModelLacksCapability =>
                    $"Model '{_model?.Id}' lacks {string.Join(", ", CapabilityNames.Names(_missing))}, which the request needs.",
                RouteErrorCode.NoEligibleModel => $"{_detail} Candidates were rejected for: {ReasonList(_reasons)}.",
                _ => subject + (_detail ?? RouteErrors.Code(Code)),
            };
        }
    }

    private static string ReasonList(int reasons)
    {
        if (reasons == 0) return "no candidates";
        var names = new List<string>();
        for (int r = 1; r < 32; r++)
        {
            if ((reasons & (1 << r)) != 0) names.Add(RouteExplanation.ReasonName((RejectionReason)r));
        }
        return string.Join(", ", names);
    }

    /// <inheritdoc/>
    public override string ToString() => Code == RouteErrorCode.None ? "" : $"{CodeName} ({Param}): {Message}";
}
