using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using RoutingCore.Budgets;
using RoutingCore.Budgets.Postgres;
using RoutingCore.Testing.Postgres;

namespace RoutingCore.Benchmarks;

/// <summary>The in-process ledger's reserve + settle (spec R-BUD-*): time and allocation per pair.</summary>
[MemoryDiagnoser]
public class BudgetBenchmarks
{
    private InMemoryBudgetLedger _ledger = null!;

    [GlobalSetup]
    public void Setup()
    {
        _ledger = new InMemoryBudgetLedger(Options.Create(new BudgetOptions()));
        _ledger.SetLimitAsync("sk-bench", 1_000_000_000m, BudgetPeriod.None).AsTask().Wait();
    }

    [Benchmark]
    public bool ReserveAndSettle()
    {
        var reserve = _ledger.ReserveAsync("sk-bench", 0.0001m);
        var r = reserve.IsCompletedSuccessfully ? reserve.Result : throw new InvalidOperationException("expected a synchronous completion");
        var settle = _ledger.SettleAsync(r, 0.0001m);
        return settle.IsCompletedSuccessfully ? settle.Result : throw new InvalidOperationException("expected a synchronous completion");
    }
}

/// <summary>
/// The PostgreSQL ledger's round trips on loopback, as percentiles from a bounded run (not BenchmarkDotNet: each
/// operation is a network round trip whose distribution matters more than its mean). Starts a throwaway cluster.
/// <c>dotnet run -c Release --project benchmarks/RoutingCore.Benchmarks -- --budgets-postgres</c>
/// </summary>
internal static class PostgresBudgetRun
{
    public static async Task RunAsync(TextWriter output)
    {
        if (!PostgresServer.Available) { output.WriteLine(PostgresServer.SkipMessage); return; }
        using var server = new PostgresServer();
        await using var source = server.CreateDataSource(8);
        var ledger = new PostgresBudgetLedger(source, Options.Create(new BudgetOptions()));
        await ledger.EnsureSchemaAsync();
        await ledger.SetLimitAsync("sk-bench", 1_000_000m, BudgetPeriod.None);
        for (int i = 0; i < 200; i++) await ledger.SettleAsync(await ledger.ReserveAsync("sk-bench", 0.001m), 0.001m); // warm-up

        const int n = 5000;
        var reserve = new double[n];
        var settle = new double[n];
        var watch = new Stopwatch();
        var total = Stopwatch.StartNew();
        for (int i = 0; i < n; i++)
        {
            watch.Restart();
            var r = await ledger.ReserveAsync("sk-bench", 0.001m);
            reserve[i] = watch.Elapsed.TotalMicroseconds;
            watch.Restart();
            await ledger.SettleAsync(r, 0.001m);
            settle[i] = watch.Elapsed.TotalMicroseconds;
        }
        total.Stop();
        output.WriteLine($"PostgreSQL {server.Port} on 127.0.0.1, one connection at a time, {n} reserve+settle pairs in {total.Elapsed.TotalSeconds:0.00} s");
        output.WriteLine($"reserve: p50 {Percentile(reserve, 50):0} us, p99 {Percentile(reserve, 99):0} us");
        output.WriteLine($"settle:  p50 {Percentile(settle, 50):0} us, p99 {Percentile(settle, 99):0} us");
    }

    private static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
    }
}

/// <summary>
/// <c>--limits-redis</c>: the per-key limit check's round trip to a throwaway loopback <c>redis-server</c> (one Lua
/// script per admission), sequential, p50/p99 — a bounded run, not a BenchmarkDotNet one.
/// </summary>
internal static class RedisLimitRun
{
    public static async Task RunAsync(TextWriter output)
    {
        if (!RoutingCore.Tests.Redis.RedisServer.Available) { output.WriteLine(RoutingCore.Tests.Redis.RedisServer.SkipMessage); return; }
        using var server = new RoutingCore.Tests.Redis.RedisServer();
        using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var limiter = new RoutingCore.Redis.RedisRateLimiter(redis);
        for (int i = 0; i < 500; i++) await limiter.TryAdmitAsync("warm-" + (i % 10), 1_000_000, 1_000_000_000, 20);
        const int n = 10_000;
        var admit = new double[n];
        var watch = new Stopwatch();
        var total = Stopwatch.StartNew();
        for (int i = 0; i < n; i++)
        {
            watch.Restart();
            await limiter.TryAdmitAsync("sk-bench-" + (i % 100), 1_000_000, 1_000_000_000, 20);
            admit[i] = watch.Elapsed.TotalMicroseconds;
        }
        total.Stop();
        var sorted = admit.Order().ToArray();
        double P(double p) => sorted[Math.Min(n - 1, (int)Math.Ceiling(p / 100 * n) - 1)];
        output.WriteLine($"redis-server {server.Port} on 127.0.0.1, one admission at a time, {n} admissions over 100 keys in {total.Elapsed.TotalSeconds:0.00} s");
        output.WriteLine($"admit (Lua check + count): p50 {P(50):0} us, p99 {P(99):0} us");
    }
}
