namespace RoutingCore.ReverseProxy;

/// <summary>
/// Identifies the caller of a RoutingCore route. Without one registered, the host's own authentication decides: an
/// authenticated <c>HttpContext.User</c> is billed under its name, anyone else gets 401.
/// </summary>
public interface IRoutingCoreClientResolver
{
    /// <summary>The caller, or <see langword="null"/> for 401 <c>invalid_api_key</c>.</summary>
    RoutingCoreClient? Resolve(HttpContext context);
}
