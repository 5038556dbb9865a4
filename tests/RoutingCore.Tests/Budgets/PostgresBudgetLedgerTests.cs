using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Npgsql;
using RoutingCore.Budgets;
using RoutingCore.Budgets.Postgres;
using RoutingCore.Testing.Postgres;

namespace RoutingCore.Tests.Budgets;

/// <summary>The PostgreSQL ledger against a real server on loopback (spec R-BUD-*).</summary>
[Collection(PostgresServerGroup.Name)]
public sealed class PostgresBudgetLedgerTests(PostgresFixture fixture)
{
    private static readonly TimeSpan DefaultTtl = TimeSpan.FromMinutes(5);

    private async Task<(PostgresBudgetLedger Ledger, NpgsqlDataSource Source)> CreateAsync(TimeSpan? ttl = null)
    {
        var source = fixture.Server.CreateDataSource();
        var ledger = new PostgresBudgetLedger(source, Options.Create(new BudgetOptions { ReservationTtl = ttl ?? DefaultTtl }));
        await ledger.EnsureSchemaAsync();
        return (ledger, source);
    }

    [PostgresFact]
    public async Task Contract_Postgres()
    {
        var (ledger, source) = await CreateAsync();
        await using (source) await BudgetLedgerContract.RunAsync(ledger);
    }

    [PostgresFact]
    public async Task EnsureSchema_IsIdempotent_EvenConcurrently_AndTheShippedFileIsTheOneRun()
    {
        var sources = Enumerable.Range(0, 4).Select(_ => fixture.Server.CreateDataSource(4)).ToList();
        try
        {
            var ledgers = sources.Select(s => new PostgresBudgetLedger(s, Options.Create(new BudgetOptions()))).ToList();
            await Task.WhenAll(ledgers.Select(l => l.EnsureSchemaAsync()));
            await ledgers[0].EnsureSchemaAsync();
            var shipped = File.ReadAllText(Path.Combine(FindRepoRoot(), "src", "RoutingCore.Budgets.Postgres", "schema.sql"));
            Assert.Equal(shipped, PostgresBudgetLedger.SchemaSql());
        }
        finally
        {
            foreach (var s in sources) await s.DisposeAsync();
        }
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RoutingCore.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [PostgresFact]
    public async Task AbandonedReservations_ExpireAndFreeTheBudget_CrashRecovery()
    {
        var (ledger, source) = await CreateAsync(TimeSpan.FromMilliseconds(400));
        await using var _ = source;
        string key = "crash-" + Guid.NewGuid().ToString("N");
        await ledger.SetLimitAsync(key, 1m, BudgetPeriod.None);
        var held = await ledger.ReserveAsync(key, 1m); // the instance holding it "crashes": never settled
        Assert.True(held.Granted);
        Assert.False((await ledger.ReserveAsync(key, 0.01m)).Granted);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        BudgetReservation again;
        do
        {
            await Task.Delay(100);
            again = await ledger.ReserveAsync(key, 1m);
        }
        while (!again.Granted && DateTime.UtcNow < deadline);
        Assert.True(again.Granted, "the abandoned reservation never expired");
        Assert.True(DateTimeOffset.UtcNow >= held.ExpiresAt - TimeSpan.FromSeconds(1));
        Assert.False(await ledger.SettleAsync(held, 1m)); // settling after expiry: a no-op
        Assert.True(await ledger.SettleAsync(again, 0.5m));
        Assert.Equal(0.5m, (await ledger.GetAsync(key)).SpentUsd);
    }

    [PostgresFact]
    public async Task ChangingThePeriod_StartsItNow_WithNothingSpent()
    {
        var (ledger, source) = await CreateAsync();
        await using var _ = source;
        string key = "period-" + Guid.NewGuid().ToString("N");
        await ledger.SetLimitAsync(key, 10m, BudgetPeriod.None);
        Assert.True(await ledger.SettleAsync(await ledger.ReserveAsync(key, 3m), 3m));
        await ledger.SetLimitAsync(key, 20m, BudgetPeriod.None);
        Assert.Equal(3m, (await ledger.GetAsync(key)).SpentUsd); // same period: spend kept
        await ledger.SetLimitAsync(key, 20m, BudgetPeriod.Day);
        var status = await ledger.GetAsync(key);
        var today = DateTimeOffset.UtcNow.UtcDateTime.Date;
        Assert.Equal((0m, BudgetPeriod.Day, new DateTimeOffset(today, TimeSpan.Zero)), (status.SpentUsd, status.Period, status.PeriodStart));
    }

    /// <summary>
    /// Four ledgers with separate pools (four gateway instances) × eight threads on one key, with random actual
    /// amounts, releases and abandoned reservations, while a reader checks spent + reserved ≤ limit in one snapshot.
    /// Afterwards spent equals the sum of the settled amounts, to the cent and beyond.
    /// </summary>
    [PostgresFact]
    public async Task Contention_FourInstancesTimesEightThreads_NeverExceedTheLimit_AndLoseNoSettlement()
    {
        const decimal limit = 25m;
        const int instances = 4, threads = 8, iterations = 40;
        string key = "contended-" + Guid.NewGuid().ToString("N");
        var sources = Enumerable.Range(0, instances).Select(_ => fixture.Server.CreateDataSource(threads + 2)).ToList();
        var ledgers = sources.Select(s => new PostgresBudgetLedger(s, Options.Create(new BudgetOptions { ReservationTtl = TimeSpan.FromMinutes(10) }))).ToList();
        await ledgers[0].EnsureSchemaAsync();
        await ledgers[0].SetLimitAsync(key, limit, BudgetPeriod.None);

        decimal settledTotal = 0;
        var totalLock = new object();
        int granted = 0, refused = 0, abandoned = 0, checks = 0;
        var violations = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        await using var readerSource = fixture.Server.CreateDataSource(2);
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await using var cmd = readerSource.CreateCommand("""
                    SELECT b.spent_usd + coalesce((SELECT sum(r.amount_usd) FROM routingcore_budget_reservations r
                        WHERE r.key = b.key AND r.state = 0 AND r.expires_at > clock_timestamp()), 0), b.limit_usd
                    FROM routingcore_budgets b WHERE b.key = $1
                    """);
                cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
                await using var r = await cmd.ExecuteReaderAsync();
                if (await r.ReadAsync())
                {
                    decimal used = r.GetDecimal(0), lim = r.GetDecimal(1);
                    if (used > lim) violations.Enqueue($"spent + reserved = {used} > {lim}");
                    Interlocked.Increment(ref checks);
                }
            }
        });

        var workers = Enumerable.Range(0, instances * threads).Select(w => Task.Run(async () =>
        {
            var ledger = ledgers[w % instances];
            var random = new Random(w);
            for (int i = 0; i < iterations; i++)
            {
                decimal estimate = random.Next(1, 200) / 100m;               // $0.01–$1.99
                var reservation = await ledger.ReserveAsync(key, estimate);
                if (!reservation.Granted) { Interlocked.Increment(ref refused); continue; }
                Interlocked.Increment(ref granted);
                int fate = random.Next(10);
                if (fate == 0) { Interlocked.Increment(ref abandoned); continue; } // never settled: the instance "crashed"
                if (fate == 1) { Assert.True(await ledger.ReleaseAsync(reservation)); continue; }
                decimal actual = Math.Round(estimate * random.Next(0, 101) / 100m, 4); // at most the estimate
                Assert.True(await ledger.SettleAsync(reservation, actual));
                Assert.False(await ledger.SettleAsync(reservation, actual));         // a retry never double-counts
                lock (totalLock) settledTotal += actual;
            }
        })).ToList();
        await Task.WhenAll(workers);
        stop.Cancel();
        await reader;

        try
        {
            Assert.Empty(violations);
            Assert.True(checks > 10, $"the reader only checked {checks} times");
            Assert.True(refused > 0 && granted > 0, $"granted {granted}, refused {refused}: the limit was never contended");
            var status = await ledgers[1].GetAsync(key);
            Assert.Equal(settledTotal, status.SpentUsd);
            Assert.True(status.SpentUsd + status.ReservedUsd <= limit);
            await using var count = sources[2].CreateCommand("SELECT count(*) FROM routingcore_budget_reservations WHERE key = $1 AND state = 0");
            count.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            Assert.Equal((long)abandoned, (long)(await count.ExecuteScalarAsync())!);
        }
        finally
        {
            foreach (var s in sources) await s.DisposeAsync();
        }
    }
}
