using Microsoft.Extensions.Options;

namespace RoutingCore.Budgets;

/// <summary>
/// The in-process ledger for a single gateway instance: one lock per key, no allocation per reserve/settle in steady
/// state. Several instances need a shared ledger (<c>RoutingCore.Budgets.Postgres</c>).
/// </summary>
public sealed class InMemoryBudgetLedger : IBudgetLedger
{
    private readonly Dictionary<string, KeyState> _keys = new(StringComparer.Ordinal);
    private readonly Lock _keysLock = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _ttl;

    /// <summary>Creates a ledger with the given options (limits from configuration are applied).</summary>
    public InMemoryBudgetLedger(IOptions<BudgetOptions> options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        BudgetOptions.Validate(o);
        _time = time ?? TimeProvider.System;
        _ttl = o.ReservationTtl;
        foreach (var (key, limit) in o.Keys)
        {
            if (limit.LimitUsd is { } usd) Set(key, usd, limit.Period);
        }
    }

    /// <summary>Creates a ledger with default options (5-minute reservations, no limits).</summary>
    public InMemoryBudgetLedger() : this(Options.Create(new BudgetOptions()))
    {
    }

    private sealed class KeyState(DateTimeOffset periodStart)
    {
        public readonly Lock Gate = new();
        public decimal? Limit;
        public BudgetPeriod Period;
        public DateTimeOffset PeriodStart = periodStart;
        public decimal Spent;
        public decimal Reserved;
        public DateTimeOffset EarliestExpiry = DateTimeOffset.MaxValue;
        public readonly Dictionary<Guid, (decimal Amount, DateTimeOffset Expires)> Open = [];

        /// <summary>Drops expired reservations; called under <see cref="Gate"/>.</summary>
        public void Expire(DateTimeOffset now)
        {
            if (now < EarliestExpiry) return;
            var earliest = DateTimeOffset.MaxValue;
            decimal reserved = 0;
            foreach (var (id, r) in Open)
            {
                if (r.Expires <= now) Open.Remove(id);
                else { reserved += r.Amount; if (r.Expires < earliest) earliest = r.Expires; }
            }
            Reserved = reserved;
            EarliestExpiry = earliest;
        }

        public void Roll(DateTimeOffset now)
        {
            var start = BudgetArguments.PeriodStart(Period, now, PeriodStart);
            if (start > PeriodStart) { PeriodStart = start; Spent = 0; }
        }
    }

    private KeyState State(string key)
    {
        lock (_keysLock)
        {
            if (!_keys.TryGetValue(key, out var state))
            {
                state = new KeyState(_time.GetUtcNow());
                _keys.Add(key, state);
            }
            return state;
        }
    }

    /// <inheritdoc/>
    public ValueTask<BudgetReservation> ReserveAsync(string key, decimal estimatedUsd, CancellationToken cancellationToken = default)
    {
        BudgetArguments.CheckKey(key);
        BudgetArguments.CheckAmount(estimatedUsd, nameof(estimatedUsd));
        cancellationToken.ThrowIfCancellationRequested();
        var state = State(key);
        var now = _time.GetUtcNow();
        lock (state.Gate)
        {
            state.Roll(now);
            state.Expire(now);
            if (state.Limit is { } limit && state.Spent + state.Reserved + estimatedUsd > limit)
            {
                return ValueTask.FromResult(new BudgetReservation(false, Guid.Empty, key, estimatedUsd, Math.Max(0, limit - state.Spent - state.Reserved), now));
            }
            var id = Guid.NewGuid();
            var expires = now + _ttl;
            state.Open.Add(id, (estimatedUsd, expires));
            state.Reserved += estimatedUsd;
            if (expires < state.EarliestExpiry) state.EarliestExpiry = expires;
            decimal? remaining = state.Limit is { } l ? l - state.Spent - state.Reserved : null;
            return ValueTask.FromResult(new BudgetReservation(true, id, key, estimatedUsd, remaining, expires));
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> SettleAsync(BudgetReservation reservation, decimal actualUsd, CancellationToken cancellationToken = default)
    {
        BudgetArguments.CheckAmount(actualUsd, nameof(actualUsd));
        return ValueTask.FromResult(Close(reservation, actualUsd));
    }

    /// <inheritdoc/>
    public ValueTask<bool> ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Close(reservation, null));

    private bool Close(in BudgetReservation reservation, decimal? actual)
    {
        if (!reservation.Granted || reservation.Key is null) return false;
        KeyState? state;
        lock (_keysLock) _keys.TryGetValue(reservation.Key, out state);
        if (state is null) return false;
        var now = _time.GetUtcNow();
        lock (state.Gate)
        {
            state.Roll(now);
            state.Expire(now);
            if (!state.Open.Remove(reservation.Id, out var open)) return false; // settled, released or expired: a no-op
            state.Reserved -= open.Amount;
            if (actual is { } spent) state.Spent += spent;
            return true;
        }
    }

    /// <inheritdoc/>
    public ValueTask<BudgetStatus> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        BudgetArguments.CheckKey(key);
        var state = State(key);
        var now = _time.GetUtcNow();
        lock (state.Gate)
        {
            state.Roll(now);
            state.Expire(now);
            return ValueTask.FromResult(new BudgetStatus(state.Limit, state.Spent, state.Reserved, state.PeriodStart, state.Period));
        }
    }

    /// <inheritdoc/>
    public ValueTask SetLimitAsync(string key, decimal limitUsd, BudgetPeriod period, CancellationToken cancellationToken = default)
    {
        BudgetArguments.CheckKey(key);
        BudgetArguments.CheckAmount(limitUsd, nameof(limitUsd));
        if (!Enum.IsDefined(period)) throw new ArgumentOutOfRangeException(nameof(period), period, "Unknown budget period.");
        Set(key, limitUsd, period);
        return ValueTask.CompletedTask;
    }

    private void Set(string key, decimal limitUsd, BudgetPeriod period)
    {
        var state = State(key);
        var now = _time.GetUtcNow();
        lock (state.Gate)
        {
            if (state.Period != period)
            {
                state.Period = period;
                state.PeriodStart = BudgetArguments.PeriodStart(period, now, now);
                state.Spent = 0;
            }
            state.Limit = limitUsd;
        }
    }
}
