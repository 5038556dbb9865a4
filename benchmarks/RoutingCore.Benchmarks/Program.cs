using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

// --budgets-postgres measures the PostgreSQL ledger's round trips on a throwaway loopback cluster (p50/p99).
if (args.Contains("--budgets-postgres"))
{
    await RoutingCore.Benchmarks.PostgresBudgetRun.RunAsync(Console.Out);
    return;
}
// --limits-redis measures the per-key limit check's round trip to a loopback Redis (p50/p99).
if (args.Contains("--limits-redis"))
{
    await RoutingCore.Benchmarks.RedisLimitRun.RunAsync(Console.Out);
    return;
}
// --gateway-load [seconds] measures the reference gateway's added latency on loopback (bounded runs).
if (args.Contains("--gateway-load"))
{
    int at = Array.IndexOf(args, "--gateway-load");
    int seconds = at + 1 < args.Length && int.TryParse(args[at + 1], out var s) ? Math.Clamp(s, 1, 120) : 10;
    await RoutingCore.Benchmarks.GatewayLoad.RunAsync(Console.Out, seconds);
    return;
}
// --smoke runs every benchmark once (CI keeps them compiling and running; not for timing).
if (args.Contains("--smoke"))
{
    var config = DefaultConfig.Instance.AddJob(Job.Dry).WithOptions(ConfigOptions.DisableOptimizationsValidator);
    BenchmarkSwitcher.FromAssembly(typeof(RoutingCore.Benchmarks.Corpus).Assembly).RunAll(config);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(RoutingCore.Benchmarks.Corpus).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args);
