using BenchmarkDotNet.Attributes;

namespace RoutingCore.Benchmarks;

/// <summary>
/// The two shapes with the tight "≤ 2.0× the floor" target, floor and engine only, so they can be run with
/// BenchmarkDotNet's default job (more iterations than the short job the full suite uses).
/// </summary>
[MemoryDiagnoser]
public class LargeImageBenchmarks
{
    private RoutingEngine _engine = null!;
    private byte[] _body = [];

    [Params("data-1mb", "data-4mb")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _engine = RoutingEngine.CreateDefault();
        _body = Corpus.Build(Shape);
        if (!_engine.Route(_body).Succeeded) throw new InvalidOperationException(Shape);
    }

    [Benchmark(Baseline = true)]
    public int Floor() => Corpus.Floor(_body);

    [Benchmark]
    public long Engine() => _engine.Route(_body).CatalogVersion;
}
