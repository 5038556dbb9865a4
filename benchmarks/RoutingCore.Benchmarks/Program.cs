using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

// --smoke runs every benchmark once (CI keeps them compiling and running; not for timing).
if (args.Contains("--smoke"))
{
    var config = DefaultConfig.Instance.AddJob(Job.Dry).WithOptions(ConfigOptions.DisableOptimizationsValidator);
    BenchmarkSwitcher.FromAssembly(typeof(RoutingCore.Benchmarks.Corpus).Assembly).RunAll(config);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(RoutingCore.Benchmarks.Corpus).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args);
