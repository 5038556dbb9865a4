using System.Collections.Concurrent;

namespace RoutingCore.Gateway;

/// <summary>
/// Per-key request and token rates (spec R-GW-19), in this instance: a fixed window per UTC minute, requests counted at
/// admission, tokens counted at the decision's estimate and corrected to the metered usage when the response ends
/// (in the same window while it lasts). Thread-safe; atomic per key. Shared limits across instances (Redis) are not
/// built: each instance admits up to the limit.
/// </summary>
internal sealed class KeyRateLimiter(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    private sealed class Window
    {
        public long Minute;
        public long Requests;
        public long Tokens;
    }

    /// <summary>A refused request: which limit, and the seconds until the window ends (<c>retry-after</c>).</summary>
    public readonly record struct Refusal(string Limit, int RetryAfterSeconds);

    /// <summary>Admits one request of <paramref name="tokens"/> estimated tokens, or says which limit refuses it.</summary>
    public Refusal? TryAdmit(string key, KeyOptions options, long tokens, out long minute)
    {
        var now = time.GetUtcNow();
        minute = now.ToUnixTimeSeconds() / 60;
        if (options.RequestsPerMinute is null && options.TokensPerMinute is null) return null;
        var w = _windows.GetOrAdd(key, static _ => new Window());
        lock (w)
        {
            if (w.Minute != minute) { w.Minute = minute; w.Requests = 0; w.Tokens = 0; }
            int retry = (int)(60 - now.ToUnixTimeSeconds() % 60);
            if (options.RequestsPerMinute is { } rpm && w.Requests + 1 > rpm) return new Refusal("requests per minute", retry);
            if (options.TokensPerMinute is { } tpm && w.Tokens + tokens > tpm && w.Tokens > 0) return new Refusal("tokens per minute", retry);
            w.Requests++;
            w.Tokens += tokens;
            return null;
        }
    }

    /// <summary>Replaces an admitted request's estimate with what was metered, if its window is still the current one.</summary>
    public void Correct(string key, long minute, long estimatedTokens, long actualTokens)
    {
        if (!_windows.TryGetValue(key, out var w)) return;
        lock (w)
        {
            if (w.Minute == minute) w.Tokens = Math.Max(0, w.Tokens - estimatedTokens + actualTokens);
        }
    }
}
