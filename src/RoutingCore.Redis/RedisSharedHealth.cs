using StackExchange.Redis;

namespace RoutingCore.Redis;

/// <summary>
/// A health view shared by every instance on one Redis (spec R-HEALTH-6): each instance keeps its own
/// <see cref="ModelHealthTracker"/>, and a cooldown one of them starts is written to Redis (a key per model and per
/// provider that expires with the cooldown); every instance reads those keys every <c>refresh</c> interval and mirrors
/// them into its own tracker, so <see cref="GetStatus"/> stays a local, allocation-free read. When a shared cooldown
/// ends (it expires, or a success elsewhere clears it) each instance is half-open on its own: it sends one probe and
/// routes the rest of its traffic to the next model until that probe reports — one probe per instance, never the
/// whole fleet's traffic at once. Redis unreachable: the view is this instance's own until it answers again.
/// </summary>
public sealed class RedisSharedHealth : IModelHealth, IDisposable
{
    private readonly ModelHealthTracker _local;
    private readonly IConnectionMultiplexer _redis;
    private readonly Func<CatalogSnapshot> _catalog;
    private readonly TimeProvider _time;
    private readonly string _prefix;
    private readonly ITimer _timer;
    private Dictionary<string, long> _remote = new(StringComparer.Ordinal); // key -> cooldown end, UTC ticks
    private int _refreshing;

    /// <summary>Creates the shared view and starts refreshing it.</summary>
    /// <param name="local">This instance's tracker (thresholds and cooldowns).</param>
    /// <param name="redis">The shared Redis.</param>
    /// <param name="catalog">The live catalog (its models and providers are the keys read).</param>
    /// <param name="refresh">How often the shared cooldowns are read (default 250 ms).</param>
    /// <param name="time">The clock (default system).</param>
    /// <param name="prefix">The Redis key prefix.</param>
    public RedisSharedHealth(ModelHealthTracker local, IConnectionMultiplexer redis, Func<CatalogSnapshot> catalog, TimeSpan? refresh = null,
        TimeProvider? time = null, string prefix = "routingcore:health:")
    {
        _local = local ?? throw new ArgumentNullException(nameof(local));
        _redis = redis ?? throw new ArgumentNullException(nameof(redis));
        _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        _time = time ?? TimeProvider.System;
        _prefix = prefix;
        var every = refresh ?? TimeSpan.FromMilliseconds(250);
        _timer = TimeProvider.System.CreateTimer(_ => _ = RefreshAsync(), null, TimeSpan.Zero, every);
    }

    /// <inheritdoc/>
    public HealthStatus GetStatus(ModelEntry model) => _local.GetStatus(model); // shared cooldowns are mirrored into it

    /// <summary>Whether an attempt on <paramref name="model"/> may go now: this instance's half-open probe gate (spec R-HEALTH-3).</summary>
    public bool TryEnterProbe(ModelEntry model) => _local.TryEnterProbe(model);

    /// <summary>A failed attempt: recorded here, and a cooldown it starts is shared.</summary>
    public async Task RecordFailureAsync(ModelEntry model, TimeSpan? retryAfter = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _local.RecordFailure(model, retryAfter);
        if (_local.GetStatus(model) != HealthStatus.CoolingDown) return;
        var span = retryAfter is { } r && r > TimeSpan.Zero ? r : _local.Cooldown;
        long until = _time.GetUtcNow().UtcTicks + span.Ticks;
        var db = _redis.GetDatabase();
        await Task.WhenAll(
            db.StringSetAsync(_prefix + "p:" + model.Provider, until, span),
            db.StringSetAsync(_prefix + "m:" + model.Id, until, span));
    }

    /// <summary>A successful attempt: cleared here and in the shared view.</summary>
    public async Task RecordSuccessAsync(ModelEntry model, TimeSpan? firstByte = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _local.RecordSuccess(model, firstByte);
        var remote = Volatile.Read(ref _remote);
        if (!remote.ContainsKey("m:" + model.Id) && !remote.ContainsKey("p:" + model.Provider)) return;
        await _redis.GetDatabase().KeyDeleteAsync([(RedisKey)(_prefix + "p:" + model.Provider), (RedisKey)(_prefix + "m:" + model.Id)]);
    }

    /// <summary>Reads every model's and provider's shared cooldown into a new snapshot.</summary>
    public async Task RefreshAsync()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 1) return;
        try
        {
            var catalog = _catalog();
            var names = catalog.Models.Select(m => "m:" + m.Id).Concat(catalog.Models.Select(m => "p:" + m.Provider).Distinct()).ToArray();
            var values = await _redis.GetDatabase().StringGetAsync([.. names.Select(n => (RedisKey)(_prefix + n))]);
            var next = new Dictionary<string, long>(StringComparer.Ordinal);
            for (int i = 0; i < names.Length; i++)
            {
                if (values[i].HasValue && long.TryParse(values[i].ToString(), out long until)) next[names[i]] = until;
            }
            var previous = Volatile.Read(ref _remote);
            var now = _time.GetUtcNow();
            foreach (var (name, until) in next) Mirror(name, new DateTimeOffset(until, TimeSpan.Zero));
            // A cooldown that vanished before its end was cleared by a success elsewhere: half-open here (one probe).
            foreach (var (name, until) in previous)
            {
                if (!next.ContainsKey(name) && until > now.UtcTicks) Mirror(name, now);
            }
            Volatile.Write(ref _remote, next);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            Volatile.Write(ref _remote, new Dictionary<string, long>(StringComparer.Ordinal)); // local view only while Redis is away
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private void Mirror(string name, DateTimeOffset until)
    {
        if (name.StartsWith("m:", StringComparison.Ordinal)) _local.ObserveModelCooldown(name[2..], until);
        else _local.ObserveProviderCooldown(name[2..], until);
    }

    /// <inheritdoc/>
    public void Dispose() => _timer.Dispose();
}
