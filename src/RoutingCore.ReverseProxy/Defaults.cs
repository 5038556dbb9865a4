namespace RoutingCore.ReverseProxy;

/// <summary>The host's own authentication: an authenticated user is billed under its name; anyone else gets 401.</summary>
internal sealed class HostUserClientResolver : IRoutingCoreClientResolver
{
    public RoutingCoreClient? Resolve(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? new RoutingCoreClient("user-" + name, default) : null;
}

/// <summary>This instance's health view only.</summary>
internal sealed class LocalHealth(ModelHealthTracker tracker) : IRoutingCoreHealth
{
    public IModelHealth View => tracker;
    public bool TryEnterProbe(ModelEntry model) => tracker.TryEnterProbe(model);

    public ValueTask RecordFailureAsync(ModelEntry model, TimeSpan? retryAfter)
    {
        tracker.RecordFailure(model, retryAfter);
        return ValueTask.CompletedTask;
    }

    public ValueTask RecordSuccessAsync(ModelEntry model, TimeSpan firstByte)
    {
        tracker.RecordSuccess(model, firstByte);
        return ValueTask.CompletedTask;
    }
}
