using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RoutingCore.Budgets;

namespace RoutingCore.Tests.Budgets;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;
    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>The ledger contract (spec R-BUD-*), run against the in-process ledger here and PostgreSQL in <see cref="PostgresBudgetLedgerTests"/>.</summary>
public class InMemoryBudgetLedgerTests
{
    private static (InMemoryBudgetLedger Ledger, ManualTime Time) Create(TimeSpan? ttl = null)
    {
        var time = new ManualTime(new DateTimeOffset(2026, 11, 22, 23, 0, 0, TimeSpan.Zero));
        return (new InMemoryBudgetLedger(Options.Create(new BudgetOptions { ReservationTtl = ttl ?? TimeSpan.FromMinutes(5) }), time), time);
    }

    [Fact]
    public Task Contract_InMemory() => BudgetLedgerContract.RunAsync(Create().Ledger);

    [Fact]
    public async Task ExpiredReservation_StopsCounting_AndCannotBeSettled()
    {
        var (ledger, time) = Create(TimeSpan.FromSeconds(30));
        await ledger.SetLimitAsync("k", 1m, BudgetPeriod.None);
        var abandoned = await ledger.ReserveAsync("k", 1m);
        Assert.True(abandoned.Granted);
        Assert.False((await ledger.ReserveAsync("k", 0.01m)).Granted);
        time.Now += TimeSpan.FromSeconds(31); // the instance that held it crashed
        Assert.Equal(0m, (await ledger.GetAsync("k")).ReservedUsd);
        Assert.True((await ledger.ReserveAsync("k", 1m)).Granted);
        Assert.False(await ledger.SettleAsync(abandoned, 1m)); // after expiry: a no-op, never double-counted
        Assert.Equal(0m, (await ledger.GetAsync("k")).SpentUsd);
    }

    [Fact]
    public async Task DailyPeriod_RollsOverAtUtcMidnight()
    {
        var (ledger, time) = Create();
        await ledger.SetLimitAsync("k", 2m, BudgetPeriod.Day);
        var r = await ledger.ReserveAsync("k", 2m);
        Assert.True(await ledger.SettleAsync(r, 2m));
        Assert.False((await ledger.ReserveAsync("k", 0.5m)).Granted);
        time.Now = new DateTimeOffset(2026, 11, 23, 0, 0, 1, TimeSpan.Zero);
        var status = await ledger.GetAsync("k");
        Assert.Equal((0m, new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero)), (status.SpentUsd, status.PeriodStart));
        Assert.True((await ledger.ReserveAsync("k", 2m)).Granted);
    }

    [Fact]
    public async Task MonthlyPeriod_StartsOnTheFirstUtc()
    {
        var (ledger, time) = Create();
        await ledger.SetLimitAsync("k", 5m, BudgetPeriod.Month);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), (await ledger.GetAsync("k")).PeriodStart);
        Assert.True(await ledger.SettleAsync(await ledger.ReserveAsync("k", 5m), 5m));
        time.Now = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(0m, (await ledger.GetAsync("k")).SpentUsd);
    }

    [Fact]
    public async Task ReserveAndSettle_AllocateNothing_InSteadyState()
    {
        var (ledger, _) = Create();
        await ledger.SetLimitAsync("k", 1_000_000m, BudgetPeriod.None);
        for (int i = 0; i < 50; i++) Assert.True(await ledger.SettleAsync(await ledger.ReserveAsync("k", 0.01m), 0.01m));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
        {
            var r = Completed(ledger.ReserveAsync("k", 0.01m)); // the in-process ledger completes inline
            _ = Completed(ledger.SettleAsync(r, 0.01m));
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static T Completed<T>(ValueTask<T> task) =>
        task.IsCompletedSuccessfully ? task.Result : throw new InvalidOperationException("The in-process ledger must complete synchronously.");

    [Fact]
    public async Task Di_BindsLimitsFromConfiguration_AndRegistersTheInMemoryLedger()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Routing:Budgets:ReservationTtl"] = "00:01:00",
            ["Routing:Budgets:Keys:sk-team-a:LimitUsd"] = "12.5",
            ["Routing:Budgets:Keys:sk-team-a:Period"] = "Day",
        }).Build();
        using var sp = new ServiceCollection().AddRoutingCoreBudgets(config.GetSection("Routing:Budgets")).BuildServiceProvider();
        var ledger = sp.GetRequiredService<IBudgetLedger>();
        Assert.IsType<InMemoryBudgetLedger>(ledger);
        var status = await ledger.GetAsync("sk-team-a");
        Assert.Equal((12.5m, BudgetPeriod.Day), (status.LimitUsd, status.Period));
    }

    [Fact]
    public async Task Glue_ReservesTheDecisionsEstimate_AndSettlesTheMeteredCost()
    {
        var (ledger, _) = Create();
        await ledger.SetLimitAsync("k", 1m, BudgetPeriod.None);
        var body = TestKit.Utf8("""{"model":"gpt-5","messages":[{"role":"user","content":"hi"}],"max_tokens":100}""");
        var decision = TestKit.Engine.Route(body);
        var reservation = await ledger.ReserveAsync("k", decision);
        Assert.Equal(decision.Estimate.CostUsd, reservation.AmountUsd);
        var usage = UsageMeter.Meter(decision, TestKit.Utf8("""{"usage":{"prompt_tokens":8,"completion_tokens":20}}"""));
        Assert.True(await ledger.SettleAsync(reservation, usage));
        Assert.Equal(usage.CostUsd, (await ledger.GetAsync("k")).SpentUsd);
        var rejected = TestKit.Engine.Route(TestKit.Utf8("""{"model":"nope","messages":[]}"""));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await ledger.ReserveAsync("k", rejected));
    }
}

/// <summary>The behaviour every <see cref="IBudgetLedger"/> must show, including the ATTACKS.md budget rows.</summary>
internal static class BudgetLedgerContract
{
    public static async Task RunAsync(IBudgetLedger ledger)
    {
        string key = "contract-" + Guid.NewGuid().ToString("N");
        await ledger.SetLimitAsync(key, 1.00m, BudgetPeriod.None);

        var a = await ledger.ReserveAsync(key, 0.60m);
        Assert.True(a.Granted);
        Assert.Equal(0.40m, a.RemainingUsd);
        var refused = await ledger.ReserveAsync(key, 0.41m);
        Assert.False(refused.Granted);
        Assert.Equal(Guid.Empty, refused.Id);
        var b = await ledger.ReserveAsync(key, 0.40m); // exactly the limit: granted
        Assert.True(b.Granted);
        Assert.Equal(0m, b.RemainingUsd);

        Assert.True(await ledger.ReleaseAsync(b));
        Assert.False(await ledger.ReleaseAsync(b));        // twice: a no-op
        Assert.False(await ledger.SettleAsync(b, 0.40m));  // settle after release: a no-op
        Assert.True(await ledger.SettleAsync(a, 0.75m));   // the actual may exceed the estimate
        Assert.False(await ledger.SettleAsync(a, 0.75m));  // double settle: never double-counted
        Assert.False(await ledger.SettleAsync(refused, 0.1m));

        var status = await ledger.GetAsync(key);
        Assert.Equal((1.00m, 0.75m, 0m), (status.LimitUsd!.Value, status.SpentUsd, status.ReservedUsd));
        Assert.False((await ledger.ReserveAsync(key, 0.26m)).Granted);
        Assert.True((await ledger.ReserveAsync(key, 0.25m)).Granted);

        // A key without a limit is unlimited, and its spend is still recorded.
        string open = key + "-open";
        var free = await ledger.ReserveAsync(open, 1000m);
        Assert.True(free.Granted);
        Assert.Null(free.RemainingUsd);
        Assert.True(await ledger.SettleAsync(free, 3.5m));
        Assert.Equal(3.5m, (await ledger.GetAsync(open)).SpentUsd);

        // Keys are stored verbatim: quotes, SQL, unicode, 256 characters; exact (ordinal) comparison.
        foreach (var odd in new[] { "it's \"quoted\"", "'; DROP TABLE routingcore_budgets; --", "ключ-🔑", new string('k', 256), "SK-" + key, "sk-" + key })
        {
            await ledger.SetLimitAsync(odd, 0.5m, BudgetPeriod.None);
            var r = await ledger.ReserveAsync(odd, 0.5m);
            Assert.True(r.Granted, odd);
            Assert.True(await ledger.SettleAsync(r, 0.5m));
            Assert.Equal(0.5m, (await ledger.GetAsync(odd)).SpentUsd);
        }

        // Bad keys and amounts are caller errors with a clear message, never a corrupted row.
        await Assert.ThrowsAsync<ArgumentException>(async () => await ledger.ReserveAsync("nul\0key", 1m));
        await Assert.ThrowsAsync<ArgumentException>(async () => await ledger.ReserveAsync(new string('k', 257), 1m));
        await Assert.ThrowsAsync<ArgumentException>(async () => await ledger.ReserveAsync("", 1m));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await ledger.ReserveAsync(key, -0.01m));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await ledger.ReserveAsync(key, 1_000_000_001m));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await ledger.SetLimitAsync(key, -1m, BudgetPeriod.None));
        var c = await ledger.ReserveAsync(key, 0m);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await ledger.SettleAsync(c, -5m));
        Assert.Equal(0.75m, (await ledger.GetAsync(key)).SpentUsd);
    }
}
