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

/// <summary>How much of a key's budget a request holds while it runs (spec R-GW-16).</summary>
public enum ReserveMode
{
    /// <summary>The decision's estimate: output at <c>max_tokens</c> or the model's default output.</summary>
    Estimate,

    /// <summary>A request without <c>max_tokens</c> reserves the model's <c>MaxOutputTokens</c>, so concurrent requests cannot overspend the budget by more than one request's overrun.</summary>
    MaxOutput,
}

/// <summary>A caller RoutingCore routes for: who is billed and what it may use.</summary>
/// <param name="LedgerId">The budget ledger's key for this caller (never the secret itself).</param>
/// <param name="Context">The caller's allow-list and cost cap (its <c>Endpoint</c> and <c>Health</c> are set per request).</param>
/// <param name="Reserve">What a request reserves against the budget.</param>
/// <param name="State">The host's own data for this caller (its admission policy reads it).</param>
public sealed record RoutingCoreClient(string LedgerId, RouteContext Context, ReserveMode Reserve = ReserveMode.Estimate, object? State = null)
{
    /// <summary>
    /// The client's name in telemetry (the <c>routingcore.client</c> tag of the spend counter) — a configured name,
    /// never a secret; <see langword="null"/> means the <see cref="LedgerId"/>.
    /// </summary>
    public string? Name { get; init; }
}

/// <summary>
/// Identifies the caller of a RoutingCore route. Without one registered, the host's own authentication decides: an
/// authenticated <c>HttpContext.User</c> is billed under its name, anyone else gets 401.
/// </summary>
public interface IRoutingCoreClientResolver
{
    /// <summary>The caller, or <see langword="null"/> for 401 <c>invalid_api_key</c>.</summary>
    RoutingCoreClient? Resolve(HttpContext context);
}

/// <summary>A rate limit as OpenAI's headers state it: <c>x-ratelimit-limit-{Unit}</c>, <c>x-ratelimit-remaining-{Unit}</c>, <c>x-ratelimit-reset-{Unit}</c>.</summary>
/// <param name="Unit"><c>requests</c> or <c>tokens</c>.</param>
/// <param name="Limit">The limit per window.</param>
/// <param name="Remaining">What is left of it in this window.</param>
/// <param name="ResetSeconds">Seconds until the window resets.</param>
public readonly record struct AdmissionLimit(string Unit, long Limit, long Remaining, int ResetSeconds);

/// <summary>What an admission policy (per-key rate limits, for example) says about one request.</summary>
public readonly record struct Admission
{
    /// <summary>Whether the request may go on.</summary>
    public bool Admitted { get; init; }

    /// <summary>The status of a refusal (429, 503).</summary>
    public int Status { get; init; }

    /// <summary>The error code of a refusal (<c>rate_limited</c>).</summary>
    public string? Code { get; init; }

    /// <summary>The message of a refusal.</summary>
    public string? Message { get; init; }

    /// <summary>The <c>retry-after</c> of a refusal, in seconds.</summary>
    public int RetryAfterSeconds { get; init; }

    /// <summary>The policy's own state, handed back to <see cref="IRoutingCoreAdmission.CompleteAsync"/>.</summary>
    public object? State { get; init; }

    /// <summary>The limit a refusal hit, sent as OpenAI's <c>x-ratelimit-limit-*</c>, <c>-remaining-*</c> and <c>-reset-*</c> headers.</summary>
    public AdmissionLimit? Limit { get; init; }

    /// <summary>Admits the request.</summary>
    public static Admission Admit(object? state = null) => new() { Admitted = true, State = state };

    /// <summary>Refuses the request with the given status, code and retry hint.</summary>
    public static Admission Refuse(int status, string code, string message, int retryAfterSeconds) =>
        new() { Status = status, Code = code, Message = message, RetryAfterSeconds = retryAfterSeconds };
}

/// <summary>Admits or refuses a routed request before any budget is held (per-key request and token rates).</summary>
public interface IRoutingCoreAdmission
{
    /// <summary>Asks to admit a request estimated at <paramref name="estimatedTokens"/> tokens.</summary>
    ValueTask<Admission> AdmitAsync(RoutingCoreClient client, long estimatedTokens, CancellationToken cancellationToken);

    /// <summary>Reports the tokens the request actually used once it was metered.</summary>
    ValueTask CompleteAsync(Admission admission, long actualTokens);
}

/// <summary>
/// The health view routing reads and the outcomes the proxy reports (R-HEALTH-*). The default keeps this instance's
/// <see cref="ModelHealthTracker"/>; a host shares it across instances by registering its own.
/// </summary>
public interface IRoutingCoreHealth
{
    /// <summary>What routing skips (cooling) and tries last (degraded).</summary>
    IModelHealth View { get; }

    /// <summary>Whether this request may try the model now (one probe at a time after a cooldown).</summary>
    bool TryEnterProbe(ModelEntry model);

    /// <summary>A failed attempt: 5xx, 429 (with its <c>retry-after</c>), a timeout or a connection failure.</summary>
    ValueTask RecordFailureAsync(ModelEntry model, TimeSpan? retryAfter);

    /// <summary>A served attempt and how long its first byte took.</summary>
    ValueTask RecordSuccessAsync(ModelEntry model, TimeSpan firstByte);
}
