using BenchmarkDotNet.Attributes;

namespace RoutingCore.Benchmarks;

/// <summary>The 1 KB text shape through <c>flux-auto</c> without a health view (baseline) and with a tracker that has one provider cooling and one model degraded (R-HEALTH-2), in one run.</summary>
[MemoryDiagnoser]
public class HealthRouteBenchmarks
{
    private RoutingEngine _engine = null!;
    private byte[] _body = [];
    private RouteContext _withHealth;

    [GlobalSetup]
    public void Setup()
    {
        _engine = RoutingEngine.CreateDefault();
        _body = Corpus.Build("text-1kb");
        var tracker = new ModelHealthTracker(failureThreshold: 1);
        var catalog = _engine.Catalog;
        tracker.RecordFailure(catalog.Models.First(m => m.Provider == "flexai"));
        tracker.RecordFailure(catalog.Models.First(m => m.Id == "gpt-5-nano"), TimeSpan.FromTicks(1)); // out of its cooldown at once: degraded
        _withHealth = new RouteContext { Health = tracker };
        if (!_engine.Route(_body, _withHealth).Succeeded) throw new InvalidOperationException("not routed");
    }

    [Benchmark(Baseline = true)]
    public long WithoutHealth() => _engine.Route(_body).CatalogVersion;

    [Benchmark]
    public long WithHealth() => _engine.Route(_body, _withHealth).CatalogVersion;
}
