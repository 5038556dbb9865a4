using BenchmarkDotNet.Attributes;

namespace RoutingCore.Benchmarks;

/// <summary>
/// The text shapes through <c>flux-auto</c> in one run: with the static ranking (no <c>Tradeoff</c>: the scan with its
/// difficulty signals, the estimate and the policy's early exit) as the baseline, and request-aware (the default
/// catalog's <c>Tradeoff</c> 0.5: every frontier candidate ranked by required quality and cost).
/// </summary>
[MemoryDiagnoser]
public class AutoRouteBenchmarks
{
    private RoutingEngine _static = null!, _aware = null!;
    private byte[] _body = [];

    [Params("text-1kb", "history-100kb")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var options = DefaultCatalog.LoadOptions();
        options.Aliases["flux-auto"].Tradeoff = null;
        _static = new RoutingEngine(options);
        _aware = RoutingEngine.CreateDefault();
        _body = Corpus.Build(Shape);
        if (!_static.Route(_body).Succeeded || !_aware.Route(_body).Succeeded) throw new InvalidOperationException(Shape);
    }

    [Benchmark(Baseline = true)]
    public long StaticRanking() => _static.Route(_body).CatalogVersion;

    [Benchmark]
    public long RequestAware() => _aware.Route(_body).CatalogVersion;
}
