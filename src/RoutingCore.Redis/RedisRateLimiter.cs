using StackExchange.Redis;

namespace RoutingCore.Redis;

/// <summary>
/// Per-key request and token rates across every instance that shares one Redis (spec R-GW-20): a fixed window per UTC
/// minute; one Lua script checks and counts a request atomically (no read-modify-write race between instances),
/// tokens counted at the estimate and corrected to the metered usage. The first request of a window is admitted
/// whatever its tokens. Keys expire with their window. Redis errors and timeouts are thrown
/// (<see cref="RedisException"/>, <see cref="TimeoutException"/>): the caller applies its fail mode.
/// </summary>
public sealed class RedisRateLimiter(IConnectionMultiplexer redis, TimeProvider? time = null, string prefix = "routingcore:rl:")
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    // KEYS[1] requests, KEYS[2] tokens; ARGV[1] rpm (-1 none), ARGV[2] tpm (-1 none), ARGV[3] tokens, ARGV[4] ttl ms.
    // Returns 0 admitted, 1 refused by requests, 2 refused by tokens.
    private static readonly LuaScript s_admit = LuaScript.Prepare("""
        local requests = tonumber(redis.call('GET', @requestsKey) or '0')
        local tokens = tonumber(redis.call('GET', @tokensKey) or '0')
        local rpm = tonumber(@rpm)
        local tpm = tonumber(@tpm)
        if rpm >= 0 and requests + 1 > rpm then return 1 end
        if tpm >= 0 and tokens > 0 and tokens + tonumber(@cost) > tpm then return 2 end
        redis.call('INCR', @requestsKey)
        redis.call('INCRBY', @tokensKey, @cost)
        redis.call('PEXPIRE', @requestsKey, @ttl)
        redis.call('PEXPIRE', @tokensKey, @ttl)
        return 0
        """);

    /// <summary>Counts one request of <paramref name="tokens"/> estimated tokens against <paramref name="key"/>'s limits, or refuses it.</summary>
    public async Task<RateLimitResult> TryAdmitAsync(string key, int? requestsPerMinute, long? tokensPerMinute, long tokens)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = _time.GetUtcNow();
        long window = now.ToUnixTimeSeconds() / 60;
        var retry = TimeSpan.FromSeconds(60 - now.ToUnixTimeSeconds() % 60);
        if (requestsPerMinute is null && tokensPerMinute is null) return new RateLimitResult(true, null, TimeSpan.Zero, window);
        var result = (int)await redis.GetDatabase().ScriptEvaluateAsync(s_admit, new
        {
            requestsKey = (RedisKey)$"{prefix}{key}:{window}:requests",
            tokensKey = (RedisKey)$"{prefix}{key}:{window}:tokens",
            rpm = requestsPerMinute ?? -1,
            tpm = tokensPerMinute ?? -1,
            cost = Math.Max(0, tokens),
            ttl = 120_000,
        });
        return result switch
        {
            0 => new RateLimitResult(true, null, TimeSpan.Zero, window),
            1 => new RateLimitResult(false, "requests per minute", retry, window),
            _ => new RateLimitResult(false, "tokens per minute", retry, window),
        };
    }

    /// <summary>Replaces an admitted request's estimated tokens with the metered ones in its window (one atomic INCRBY).</summary>
    public async Task CorrectAsync(string key, long window, long estimatedTokens, long actualTokens)
    {
        ArgumentNullException.ThrowIfNull(key);
        long delta = actualTokens - estimatedTokens;
        if (delta != 0) await redis.GetDatabase().StringIncrementAsync($"{prefix}{key}:{window}:tokens", delta);
    }
}
