using BenchmarkDotNet.Attributes;
using RoutingCore.Parsing;

namespace RoutingCore.Benchmarks;

/// <summary>Where the time of a small request goes: the scan alone, a pinned route, an auto route (1 KB text shape).</summary>
[MemoryDiagnoser]
public class ComponentBenchmarks
{
    private RoutingEngine _engine = null!;
    private byte[] _auto = [];
    private byte[] _pinned = [];
    private readonly RequestFacts _facts = new();

    [GlobalSetup]
    public void Setup()
    {
        _engine = RoutingEngine.CreateDefault();
        _auto = Corpus.Build("text-1kb");
        _pinned = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(_auto).Replace("flux-auto", "flux-pinned-gpt-5", StringComparison.Ordinal));
    }

    [Benchmark(Baseline = true)]
    public bool ScanOnly() => RequestScanner.Scan(_auto, new ScanSettings(RequestEndpoint.Auto, false, HeuristicTokenCounter.Instance), _facts);

    /// <summary>Utf8JsonReader alone over the same bytes: the part of the scan no parser built on it can avoid.</summary>
    [Benchmark]
    public int ReaderOnly()
    {
        var reader = new System.Text.Json.Utf8JsonReader(_auto);
        int n = 0;
        while (reader.Read()) n++;
        return n;
    }

    [Benchmark]
    public long RoutePinned() => _engine.Route(_pinned).CatalogVersion;

    [Benchmark]
    public long RouteAuto() => _engine.Route(_auto).CatalogVersion;

    [Benchmark]
    public string? DomAuto() => DomBaseline.Route(_auto, _engine.Catalog);
}

/// <summary>Per-candidate costs on the 1 KB text shape.</summary>
public class CandidateBenchmarks
{
    private readonly RequestFacts _facts = new();
    private ModelEntry _model = null!;

    [GlobalSetup]
    public void Setup()
    {
        var engine = RoutingEngine.CreateDefault();
        RequestScanner.Scan(Corpus.Build("text-1kb"), new ScanSettings(RequestEndpoint.Auto, false, HeuristicTokenCounter.Instance), _facts);
        engine.Catalog.TryResolve("gpt-5", out var m, out _);
        _model = m!;
    }

    [Benchmark]
    public decimal Estimate() => RoutingCore.Estimation.CostEstimator.Estimate(_model, _facts).CostUsd;

    [Benchmark]
    public int Check() => (int)RoutingCore.Routing.Eligibility.Check(_model, _facts, Capabilities.Text, out _, out _);

    [Benchmark]
    public double Score()
    {
        var e = RoutingCore.Estimation.CostEstimator.Estimate(_model, _facts);
        return RoutingPolicies.Balanced.Score(_model, e);
    }
}
