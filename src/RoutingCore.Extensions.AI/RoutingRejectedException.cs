namespace RoutingCore.Extensions.AI;

/// <summary>
/// Thrown by <see cref="RoutingCoreChatClient"/> when RoutingCore rejects a request (callers of <c>IChatClient</c> expect
/// exceptions): carries the stable error code of spec R-ERR-2 and the path of the offending value.
/// </summary>
public sealed class RoutingRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RoutingRejectedException(string code, string? param, string message) : base($"{code}: {message}{(string.IsNullOrEmpty(param) ? "" : $" (param: {param})")}")
    {
        Code = code;
        Param = param;
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public RoutingRejectedException() : this("rejected", null, "The request was rejected.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RoutingRejectedException(string message) : this("rejected", null, message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public RoutingRejectedException(string message, Exception innerException) : base(message, innerException)
    {
        Code = "rejected";
    }

    /// <summary>The error code (<c>model_lacks_capability</c>, <c>no_eligible_model</c>, <c>image_url_not_allowed</c>, …).</summary>
    public string Code { get; }

    /// <summary>The path of the offending value (<c>messages[0].content[1]</c>), when there is one.</summary>
    public string? Param { get; }
}
