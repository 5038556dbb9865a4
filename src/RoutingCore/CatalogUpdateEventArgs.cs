namespace RoutingCore;

/// <summary>The outcome of one catalog change judged by a <see cref="RoutingEngine"/>.</summary>
public sealed class CatalogUpdateEventArgs(bool applied, long liveVersion, IReadOnlyList<string> errors) : EventArgs
{
    /// <summary>True when the change went live; false when it was rejected and the last good snapshot stays.</summary>
    public bool Applied { get; } = applied;
    /// <summary>The snapshot version live after the change.</summary>
    public long LiveVersion { get; } = liveVersion;
    /// <summary>Every problem of a rejected change, prefixed by its configuration key; empty when applied.</summary>
    public IReadOnlyList<string> Errors { get; } = errors;
}
