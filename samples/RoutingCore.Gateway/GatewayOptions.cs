using RoutingCore.Budgets;
using RoutingCore.ReverseProxy;

namespace RoutingCore.Gateway;

/// <summary>The <c>Gateway</c> configuration section (spec R-GW-*).</summary>
public sealed class GatewayOptions
{
    /// <summary>
    /// Upstreams by provider name (the catalog's <c>Provider</c>): the shorthand for a one-destination YARP cluster named
    /// after the provider. A cluster of that name in the <c>ReverseProxy</c> section takes precedence.
    /// </summary>
    public Dictionary<string, UpstreamOptions> Upstreams { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Client keys (compared exactly, in constant time) and what each may do.</summary>
    public Dictionary<string, KeyOptions> Keys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The largest request body accepted.</summary>
    /// <value>The default is 32 MiB (Anthropic's request limit).</value>
    public long MaxBodyBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// The key of the admin endpoints (<c>/admin/keys</c>); without it they do not exist. Must differ from every client
    /// key (a start-up error otherwise).
    /// </summary>
    public string? AdminKey { get; set; }

    /// <summary>How much of an over-size body is read and discarded before the JSON 413 (R-GW-13); default 64 MiB, 0 = none.</summary>
    public long OversizeDrainBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary><c>InMemory</c> (one instance) or <c>Postgres</c> (several; <c>ConnectionStrings:Budgets</c>).</summary>
    /// <value>The default is <c>InMemory</c>.</value>
    public string Ledger { get; set; } = "InMemory";

    /// <summary>How long one attempt may wait for the upstream's response headers before it counts as failed and the next ranked model is tried.</summary>
    /// <value>The default is 60 seconds.</value>
    public TimeSpan FirstByteTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a client is asked to wait (<c>retry-after</c>, seconds) when the budget ledger is unreachable.</summary>
    /// <value>The default is 5 seconds.</value>
    public int LedgerRetryAfterSeconds { get; set; } = 5;

    /// <summary>How long a reservation may wait for the ledger (a frozen database) before the request gets <c>503 ledger_unavailable</c>.</summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan LedgerTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a settlement the ledger could not take, or the start-up work on an unreachable ledger, is retried.</summary>
    /// <value>The default is 2 seconds.</value>
    public TimeSpan SettlementRetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Routing around failing providers (spec R-HEALTH-4): <c>Gateway:Health:FailureThreshold</c>, <c>CooldownSeconds</c>.</summary>
    public HealthOptions Health { get; set; } = new();

    /// <summary>Per-key limits when Redis is unreachable: <c>Gateway:Limits:FailMode</c>.</summary>
    public LimitsOptions Limits { get; set; } = new();

    /// <summary>OpenTelemetry: <c>Gateway:Telemetry:Prometheus</c> (<c>/metrics</c>), <c>Otlp</c> (the standard <c>OTEL_EXPORTER_OTLP_*</c> settings).</summary>
    public TelemetryOptions Telemetry { get; set; } = new();

    /// <summary>The <c>anthropic-version</c> sent upstream when the client sent none.</summary>
    public string AnthropicVersion { get; set; } = "2023-06-01";
}

/// <summary>The gateway's health tracking of models and providers.</summary>
public sealed class HealthOptions
{
    /// <summary>Consecutive failures (5xx, 429, timeouts, connection failures) that start a cooldown.</summary>
    /// <value>The default is 3.</value>
    public int FailureThreshold { get; set; } = 3;

    /// <summary>How long a cooldown lasts when the upstream gave no <c>retry-after</c>, in seconds.</summary>
    /// <value>The default is 30.</value>
    public int CooldownSeconds { get; set; } = 30;

    /// <summary>With Redis: how often each instance reads the cooldowns other instances started.</summary>
    /// <value>The default is 250 ms.</value>
    public TimeSpan SharedRefresh { get; set; } = TimeSpan.FromMilliseconds(250);
}

/// <summary>What the gateway exports through OpenTelemetry (its spans and the RoutingCore meters).</summary>
public sealed class TelemetryOptions
{
    /// <summary>Serves the RoutingCore and gateway meters for Prometheus at <c>/metrics</c>.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool Prometheus { get; set; }

    /// <summary>Exports spans and metrics over OTLP (endpoint from <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>).</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool Otlp { get; set; }

    /// <summary>The OpenTelemetry <c>service.name</c> (<c>Gateway:Telemetry:ServiceName</c>).</summary>
    /// <value>The default is <c>routingcore-gateway</c>.</value>
    public string? ServiceName { get; set; }
}

/// <summary>One provider's upstream.</summary>
public sealed class UpstreamOptions
{
    /// <summary>The base URL; the endpoint's path (<c>/chat/completions</c>, <c>/images/generations</c>, <c>/messages</c>) is appended.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The gateway's own credential for this provider (never the client's key).</summary>
    public string? ApiKey { get; set; }
}

/// <summary>What one client key may do.</summary>
public sealed class KeyOptions
{
    /// <summary>Models this key may use (ids); empty means all.</summary>
    public List<string> AllowedModels { get; set; } = [];

    /// <summary>The key's name in telemetry and spend metrics (never the key itself); default <c>key-</c> and the first hex digits of its hash.</summary>
    public string? Name { get; set; }

    /// <summary>The most one request may be estimated to cost; <c>null</c> for no cap.</summary>
    public decimal? MaxCostUsd { get; set; }

    /// <summary>The key's budget per <see cref="BudgetPeriod"/>; <c>null</c> for none.</summary>
    public decimal? BudgetUsd { get; set; }

    /// <summary>The budget's period.</summary>
    /// <value>The default is <see cref="Budgets.BudgetPeriod.None"/>.</value>
    public BudgetPeriod BudgetPeriod { get; set; }

    /// <summary>Requests this key may send per minute (per gateway instance); <c>null</c> for no limit.</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Tokens (estimated at admission, corrected when metered) this key may use per minute (per instance); <c>null</c> for no limit.</summary>
    public long? TokensPerMinute { get; set; }

    /// <summary>What a request reserves against the budget before it is forwarded.</summary>
    /// <value>The default is <see cref="ReserveMode.Estimate"/>.</value>
    public ReserveMode Reserve { get; set; }
}
