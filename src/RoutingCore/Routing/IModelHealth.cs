namespace RoutingCore;

/// <summary>How a model (or its provider) has been answering lately, as the host's health view says (spec R-HEALTH-*).</summary>
public enum HealthStatus : byte
{
    /// <summary>Answering normally.</summary>
    Healthy = 0,
    /// <summary>Answering, but recently failing or slow, or just out of a cooldown: ranked after every healthy candidate.</summary>
    Degraded,
    /// <summary>In a cooldown after repeated failures or a <c>retry-after</c>: not chosen while anything else is eligible.</summary>
    CoolingDown,
}

/// <summary>
/// The host's view of model and provider health, read by the router on the hot path (<see cref="RouteContext.Health"/>).
/// Implementations must be thread-safe, allocation-free and answer from a snapshot: the same answers for the same
/// moment, so a decision stays a pure function of the catalog, the bytes, the context and this view.
/// </summary>
public interface IModelHealth
{
    /// <summary>The status of <paramref name="model"/> (its provider's status included).</summary>
    HealthStatus GetStatus(ModelEntry model);
}

/// <summary>
/// An in-process health tracker (spec R-HEALTH-3): consecutive failures per model and per provider (errors, 429s,
/// timeouts, connection failures), a cooldown once they reach <see cref="FailureThreshold"/> or when an upstream says
/// <c>retry-after</c>, then a half-open period in which the model is <see cref="HealthStatus.Degraded"/> (tried only after
/// healthy candidates) until a success closes it or one more failure opens a new cooldown. Thread-safe; reading
/// allocates nothing.
/// </summary>
public sealed class ModelHealthTracker : IModelHealth
{
    private readonly TimeProvider _time;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Entry> _models = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Entry> _providers = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates a tracker.</summary>
    /// <param name="failureThreshold">Consecutive failures that start a cooldown (default 3).</param>
    /// <param name="cooldown">How long a cooldown lasts (default 30 s).</param>
    /// <param name="time">The clock; default <see cref="TimeProvider.System"/>.</param>
    public ModelHealthTracker(int failureThreshold = 3, TimeSpan? cooldown = null, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failureThreshold, 1);
        FailureThreshold = failureThreshold;
        Cooldown = cooldown ?? TimeSpan.FromSeconds(30);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Cooldown, TimeSpan.Zero);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Consecutive failures that start a cooldown.</summary>
    public int FailureThreshold { get; }

    /// <summary>How long a cooldown lasts when the upstream gave no <c>retry-after</c>.</summary>
    public TimeSpan Cooldown { get; }

    private sealed class Entry
    {
        public int Failures;
        public long CooldownUntilTicks; // UTC ticks; 0 = never cooled
        public long ProbeSinceTicks;    // a half-open probe in flight since (0 = none)
        public int Slow;                // the last answer's first byte came after SlowFirstByte
    }

    /// <summary>A first byte slower than this marks the model degraded until a faster answer (default 10 s).</summary>
    public TimeSpan SlowFirstByte { get; init; } = TimeSpan.FromSeconds(10);

    /// <inheritdoc/>
    public HealthStatus GetStatus(ModelEntry model)
    {
        ArgumentNullException.ThrowIfNull(model);
        long now = _time.GetUtcNow().UtcTicks;
        var a = Status(_models.GetValueOrDefault(model.Id), now);
        var b = Status(_providers.GetValueOrDefault(model.Provider), now);
        return a > b ? a : b;
    }

    private static HealthStatus Status(Entry? e, long now)
    {
        if (e is null) return HealthStatus.Healthy;
        long until = Volatile.Read(ref e.CooldownUntilTicks);
        if (until > now) return HealthStatus.CoolingDown;
        return until != 0 || Volatile.Read(ref e.Failures) > 0 || Volatile.Read(ref e.Slow) != 0 ? HealthStatus.Degraded : HealthStatus.Healthy;
    }

    /// <summary>
    /// An attempt on <paramref name="model"/> answered: its and its provider's failures, cooldowns and probes are
    /// cleared; a first byte slower than <see cref="SlowFirstByte"/> leaves it degraded until a faster answer.
    /// </summary>
    public void RecordSuccess(ModelEntry model, TimeSpan? firstByte = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        int slow = firstByte is { } t && t > SlowFirstByte ? 1 : 0;
        foreach (var e in Entries(model))
        {
            Volatile.Write(ref e.Failures, 0);
            Volatile.Write(ref e.CooldownUntilTicks, 0);
            Volatile.Write(ref e.ProbeSinceTicks, 0);
            Volatile.Write(ref e.Slow, slow);
        }
    }

    /// <summary>
    /// Whether an attempt on <paramref name="model"/> may go now. Outside a half-open period always; in one (after a
    /// cooldown, before any new outcome) only one attempt at a time — the probe — until it succeeds or fails, or a
    /// <see cref="Cooldown"/> passes without an outcome (a probe whose request vanished).
    /// </summary>
    public bool TryEnterProbe(ModelEntry model)
    {
        ArgumentNullException.ThrowIfNull(model);
        long now = _time.GetUtcNow().UtcTicks;
        foreach (var e in Entries(model))
        {
            long until = Volatile.Read(ref e.CooldownUntilTicks);
            if (until == 0 || until > now) continue; // not half-open (a cooling one is not routed to unless nothing else is)
            long since = Volatile.Read(ref e.ProbeSinceTicks);
            if (since != 0 && now - since < Cooldown.Ticks) return false;
            if (Interlocked.CompareExchange(ref e.ProbeSinceTicks, now, since) != since) return false;
        }
        return true;
    }

    /// <summary>
    /// An attempt on <paramref name="model"/> failed (5xx, 429, timeout, connection failure). At the threshold — or at
    /// once in the half-open period after a cooldown, or when <paramref name="retryAfter"/> is given — a cooldown
    /// starts, lasting <paramref name="retryAfter"/> when the upstream said so, else <see cref="Cooldown"/>.
    /// </summary>
    public void RecordFailure(ModelEntry model, TimeSpan? retryAfter = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        long now = _time.GetUtcNow().UtcTicks;
        foreach (var e in Entries(model))
        {
            Volatile.Write(ref e.ProbeSinceTicks, 0);
            int failures = Interlocked.Increment(ref e.Failures);
            bool halfOpen = Volatile.Read(ref e.CooldownUntilTicks) is var until && until != 0 && until <= now;
            if (failures >= FailureThreshold || halfOpen || retryAfter is not null)
            {
                var span = retryAfter is { } r && r > TimeSpan.Zero ? r : Cooldown;
                Volatile.Write(ref e.CooldownUntilTicks, now + span.Ticks);
            }
        }
    }

    private Entry[] Entries(ModelEntry model) =>
        [_models.GetOrAdd(model.Id, static _ => new Entry()), _providers.GetOrAdd(model.Provider, static _ => new Entry())];
}
