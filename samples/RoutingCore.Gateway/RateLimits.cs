using RoutingCore.Redis;
using RoutingCore.ReverseProxy;
using StackExchange.Redis;

namespace RoutingCore.Gateway;

/// <summary>How the gateway treats per-key limits when Redis cannot be asked (<c>Gateway:Limits:FailMode</c>).</summary>
public enum LimitsFailMode
{
    /// <summary>Admit the request (logged once per outage, counted).</summary>
    Open,
    /// <summary>Refuse it with <c>503 limits_unavailable</c>.</summary>
    Closed,
}

/// <summary>The <c>Gateway:Limits</c> section.</summary>
public sealed class LimitsOptions
{
    /// <summary>What happens when Redis is unreachable.</summary>
    /// <value>The default is <see cref="LimitsFailMode.Open"/>.</value>
    public LimitsFailMode FailMode { get; set; }
}

/// <summary>
/// Per-key request and token rates (R-GW-19): across instances on Redis when <c>ConnectionStrings:Redis</c> is set
/// (<see cref="RedisRateLimiter"/>), else in this instance (<see cref="KeyRateLimiter"/>).
/// </summary>
internal sealed class RateLimits(KeyRateLimiter local, RedisRateLimiter? shared, LimitsOptions options, ILogger<RateLimits> logger) : IRoutingCoreAdmission
{
    public async ValueTask<Admission> AdmitAsync(RoutingCoreClient client, long estimatedTokens, CancellationToken cancellationToken)
    {
        if (client.State is not KeyOptions o) return Admission.Admit();
        var (refusal, ticket) = await AdmitAsync(client.LedgerId, o, estimatedTokens);
        return refusal is { } r ? Admission.Refuse(r.Status, r.Code, r.Message, r.RetryAfterSeconds) with { Limit = r.Limit } : Admission.Admit(ticket);
    }

    public async ValueTask CompleteAsync(Admission admission, long actualTokens)
    {
        if (admission.State is Ticket ticket) await CorrectAsync(ticket, actualTokens);
    }

    private int _down;

    /// <summary>An admitted request's window, to correct its tokens when metered.</summary>
    public readonly record struct Ticket(string Key, long Window, long Estimate, bool Shared);

    /// <summary>The refusal to answer with, or null with the admitted request's ticket.</summary>
    public readonly record struct Refusal(int Status, string Code, string Message, int RetryAfterSeconds, AdmissionLimit? Limit = null);

    /// <summary>The limit named by "requests per minute" or "tokens per minute", as the headers state it (nothing left: it refused).</summary>
    private static AdmissionLimit? LimitOf(string limit, KeyOptions o, int retry) =>
        limit.StartsWith("requests", StringComparison.Ordinal) && o.RequestsPerMinute is { } rpm ? new AdmissionLimit("requests", rpm, 0, retry)
        : limit.StartsWith("tokens", StringComparison.Ordinal) && o.TokensPerMinute is { } tpm ? new AdmissionLimit("tokens", tpm, 0, retry)
        : null;

    public async Task<(Refusal? Refusal, Ticket Ticket)> AdmitAsync(string key, KeyOptions o, long tokens)
    {
        if (o.RequestsPerMinute is null && o.TokensPerMinute is null) return (null, new Ticket(key, 0, tokens, false));
        if (shared is null)
        {
            var r = local.TryAdmit(key, o, tokens, out long minute);
            return (r is { } x ? new Refusal(429, "rate_limited", $"This key's {x.Limit} limit is reached; retry after {x.RetryAfterSeconds} s.", x.RetryAfterSeconds,
                    LimitOf(x.Limit, o, x.RetryAfterSeconds)) : null,
                new Ticket(key, minute, tokens, false));
        }
        // Fail fast while Redis is down (R-GW-20): after a failure nobody asks it for RedisBackoff, then one request
        // probes it while the others keep answering by the fail mode, so a request never waits for a dead Redis twice.
        if (Volatile.Read(ref _down) == 1
            && (System.Diagnostics.Stopwatch.GetTimestamp() < Volatile.Read(ref _retryAt) || Interlocked.CompareExchange(ref _probing, 1, 0) != 0))
        {
            GatewayTelemetry.LimitsUnavailable.Add(1);
            return Unavailable();
        }
        try
        {
            Interlocked.Increment(ref _redisCalls);
            var result = await shared.TryAdmitAsync(key, o.RequestsPerMinute, o.TokensPerMinute, tokens);
            Volatile.Write(ref _probing, 0);
            if (Interlocked.Exchange(ref _down, 0) == 1) GatewayTelemetry.LimitsUp(logger);
            int retry = Math.Max(1, (int)Math.Ceiling(result.RetryAfter.TotalSeconds));
            return (result.Admitted ? null : new Refusal(429, "rate_limited", $"This key's {result.Limit} limit is reached; retry after {retry} s.", retry,
                    LimitOf(result.Limit ?? "", o, retry)),
                new Ticket(key, result.Window, tokens, true));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            GatewayTelemetry.LimitsUnavailable.Add(1);
            Volatile.Write(ref _retryAt, System.Diagnostics.Stopwatch.GetTimestamp() + (long)(RedisBackoff.TotalSeconds * System.Diagnostics.Stopwatch.Frequency));
            if (Interlocked.Exchange(ref _down, 1) == 0) GatewayTelemetry.LimitsDown(logger, options.FailMode.ToString(), ex.Message);
            Volatile.Write(ref _probing, 0);
            return Unavailable();
        }
    }

    /// <summary>How long nobody asks Redis after it failed.</summary>
    internal static readonly TimeSpan RedisBackoff = TimeSpan.FromSeconds(2);

    private long _retryAt;   // Stopwatch ticks before which Redis is not asked (while down)
    private int _probing;    // one request asks Redis after the back-off
    private long _redisCalls;

    /// <summary>Times Redis was asked to admit a request (tests).</summary>
    internal long RedisCalls => Interlocked.Read(ref _redisCalls);

    private (Refusal?, Ticket) Unavailable() => options.FailMode == LimitsFailMode.Closed
        ? (new Refusal(503, "limits_unavailable", "The rate-limit store is unreachable; retry shortly.", 5), default)
        : (null, default);

    public async Task CorrectAsync(Ticket ticket, long actualTokens)
    {
        if (ticket.Key is null || ticket.Window == 0) return;
        if (!ticket.Shared)
        {
            local.Correct(ticket.Key, ticket.Window, ticket.Estimate, actualTokens);
            return;
        }
        try
        {
            await shared!.CorrectAsync(ticket.Key, ticket.Window, ticket.Estimate, actualTokens);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            GatewayTelemetry.LimitsUnavailable.Add(1); // the estimate stays counted: never fewer tokens than admitted
        }
    }
}
