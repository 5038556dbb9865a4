using BenchmarkDotNet.Attributes;

namespace RoutingCore.Benchmarks;

/// <summary>Per shape, in one run: the memory-scan floor (baseline), the engine, and the DOM baseline.</summary>
[MemoryDiagnoser]
public class RouteBenchmarks
{
    private RoutingEngine _engine = null!;
    private byte[] _body = [];

    [ParamsSource(nameof(AllShapes))]
    public string Shape { get; set; } = "";

    /// <summary>Every shape, or those ROUTINGCORE_SHAPES names (comma-separated), for a shorter run.</summary>
    public static IEnumerable<string> AllShapes =>
        Environment.GetEnvironmentVariable("ROUTINGCORE_SHAPES") is { Length: > 0 } only ? only.Split(',') : Corpus.Shapes;

    [GlobalSetup]
    public void Setup()
    {
        _engine = RoutingEngine.CreateDefault();
        _body = Corpus.Build(Shape);
        var d = _engine.Route(_body);
        if (!d.Succeeded) throw new InvalidOperationException($"{Shape}: {d.Error}");
        var dom = DomBaseline.Route(_body, _engine.Catalog);
        if (dom is null) throw new InvalidOperationException($"{Shape}: the DOM baseline found no model");
    }

    [Benchmark(Baseline = true)]
    public int Floor() => Corpus.Floor(_body);

    [Benchmark]
    public long Engine() => _engine.Route(_body).CatalogVersion;

    [Benchmark]
    public string? Dom() => DomBaseline.Route(_body, _engine.Catalog);
}
