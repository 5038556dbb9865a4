namespace RoutingCore;

/// <summary>
/// An in-process health tracker (spec R-HEALTH-3): consecutive failures per model and per provider (errors, 429s,
/// timeouts, connection failures). Below <see cref="FailureThreshold"/> a model keeps its status and its rank; at the
/// threshold, or when an upstream says <c>retry-after</c>, it cools down; when the cooldown ends it is half-open: it is
/// <see cref="HealthStatus.Healthy"/> again (so it keeps its own rank) but <see cref="TryEnterProbe"/> lets exactly one
/// attempt go until that probe reports — a success closes it, a failure opens a new cooldown. A slow first byte makes it
/// <see cref="HealthStatus.Degraded"/> until a faster answer. Thread-safe; reading allocates nothing.
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
        if (Volatile.Read(ref e.CooldownUntilTicks) > now) return HealthStatus.CoolingDown;
        // Failures below the threshold and the half-open period keep the rank (R-HEALTH-3); only slowness demotes.
        return Volatile.Read(ref e.Slow) != 0 ? HealthStatus.Degraded : HealthStatus.Healthy;
    }

    /// <summary>
    /// Whether <paramref name="model"/> (or its provider) is half-open: its cooldown has ended and no outcome has been
    /// recorded since, so only a probe may go (<see cref="TryEnterProbe"/>).
    /// </summary>
    public bool IsHalfOpen(ModelEntry model)
    {
        ArgumentNullException.ThrowIfNull(model);
        long now = _time.GetUtcNow().UtcTicks;
        return HalfOpen(_models.GetValueOrDefault(model.Id), now) || HalfOpen(_providers.GetValueOrDefault(model.Provider), now);
    }

    private static bool HalfOpen(Entry? e, long now) => e is not null && Volatile.Read(ref e.CooldownUntilTicks) is var until && until != 0 && until <= now;

    /// <summary>
    /// Sets the end of <paramref name="modelId"/>'s cooldown to <paramref name="until"/>, as another instance's shared
    /// view says (spec R-HEALTH-6): a later end extends it; an end now or in the past ends a running cooldown here and makes it half-open, so this
    /// instance sends one probe rather than all its traffic when a shared cooldown ends.
    /// </summary>
    public void ObserveModelCooldown(string modelId, DateTimeOffset until)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        Observe(_models.GetOrAdd(modelId, static _ => new Entry()), until);
    }

    /// <summary>As <see cref="ObserveModelCooldown"/>, for every model of <paramref name="provider"/>.</summary>
    public void ObserveProviderCooldown(string provider, DateTimeOffset until)
    {
        ArgumentNullException.ThrowIfNull(provider);
        Observe(_providers.GetOrAdd(provider, static _ => new Entry()), until);
    }

    private void Observe(Entry e, DateTimeOffset until)
    {
        long now = _time.GetUtcNow().UtcTicks, end = until.UtcTicks, current = Volatile.Read(ref e.CooldownUntilTicks);
        if (end > current) Volatile.Write(ref e.CooldownUntilTicks, end);            // a longer cooldown elsewhere
        else if (end <= now && current > now) Volatile.Write(ref e.CooldownUntilTicks, now); // ended elsewhere: half-open here
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
        var entries = Entries(model);
        for (int i = 0; i < entries.Length; i++)
        {
            var e = entries[i];
            long until = Volatile.Read(ref e.CooldownUntilTicks);
            if (until == 0 || until > now) continue; // not half-open (a cooling one is not routed to unless nothing else is)
            long since = Volatile.Read(ref e.ProbeSinceTicks);
            if ((since != 0 && now - since < Cooldown.Ticks) || Interlocked.CompareExchange(ref e.ProbeSinceTicks, now, since) != since)
            {
                // Refused here (the provider's probe is out): give back the slots taken before, so a model's probe is
                // never held for a request that does not go (R-HEALTH-3).
                for (int j = 0; j < i; j++) Interlocked.CompareExchange(ref entries[j].ProbeSinceTicks, 0, now);
                return false;
            }
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
            if (failures >= FailureThreshold || HalfOpen(e, now) || retryAfter is not null)
            {
                var span = retryAfter is { } r && r > TimeSpan.Zero ? r : Cooldown;
                Volatile.Write(ref e.CooldownUntilTicks, now + span.Ticks);
            }
        }
    }

    private Entry[] Entries(ModelEntry model) =>
        [_models.GetOrAdd(model.Id, static _ => new Entry()), _providers.GetOrAdd(model.Provider, static _ => new Entry())];
}
