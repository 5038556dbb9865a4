namespace RoutingCore.ReverseProxy;

/// <summary>
/// How RoutingCore runs inside YARP (spec R-GW-21..25). Bind it from configuration or set it in
/// <c>services.AddReverseProxy().AddRoutingCore(…)</c>.
/// </summary>
public sealed class RoutingCoreProxyOptions
{
    /// <summary>The route metadata key that marks a YARP route for RoutingCore; its value names the endpoint shape.</summary>
    public const string RouteMetadataKey = "RoutingCore";

    /// <summary>The destination metadata key holding the credential sent upstream for that destination (never the client's key).</summary>
    public const string ApiKeyMetadataKey = "ApiKey";

    /// <summary>The cluster RoutingCore routes are given when they name none (it has no destinations: the served model's provider picks the cluster).</summary>
    public const string CatalogClusterId = "routingcore-catalog";

    /// <summary>The largest request body accepted.</summary>
    /// <value>The default is 32 MiB (Anthropic's request limit).</value>
    public long MaxBodyBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// How much of an over-size body is read and discarded before the JSON 413 is sent (spec R-GW-13), so a client that
    /// writes its whole body before reading (the official SDKs do) gets the 413 instead of a broken pipe. A body larger
    /// than <see cref="MaxBodyBytes"/> plus this, or one that takes longer than 10 seconds to drain, gets the 413 with
    /// the connection closed at once. 0 turns draining off. Default 64 MiB.
    /// </summary>
    public long OversizeDrainBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>How long one attempt may wait for the upstream's response headers before it counts as failed and the next ranked model is tried.</summary>
    /// <value>The default is 60 seconds.</value>
    public TimeSpan FirstByteTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a reservation may wait for the ledger (a frozen database) before the request gets <c>503 ledger_unavailable</c>.</summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan LedgerTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a client is asked to wait (<c>retry-after</c>, seconds) when the budget ledger is unreachable.</summary>
    /// <value>The default is 5 seconds.</value>
    public int LedgerRetryAfterSeconds { get; set; } = 5;

    /// <summary>How often a settlement the ledger could not take is retried.</summary>
    /// <value>The default is 2 seconds.</value>
    public TimeSpan SettlementRetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The <c>anthropic-version</c> sent upstream when the client sent none.</summary>
    public string AnthropicVersion { get; set; } = "2023-06-01";

    /// <summary>
    /// The YARP cluster that serves a provider (the catalog's <c>Provider</c>); by default the cluster whose id is the
    /// provider's name (<c>openai</c>, <c>anthropic</c>, …), compared without case.
    /// </summary>
    public Func<string, string> ClusterForProvider { get; set; } = static provider => provider;

    /// <summary>
    /// What the 502 for a provider without a cluster adds to its message (<c>{0}</c> is the provider), so a host can
    /// name its own shorthand setting; <see langword="null"/> for none.
    /// </summary>
    public string? MissingClusterHint { get; set; }
}
