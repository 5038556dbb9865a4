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

    public static IEnumerable<string> AllShapes => Corpus.Shapes;

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

    /// <summary>One vectorised pass over the same bytes: the physical limit of reading the body once.</summary>
    [Benchmark(Baseline = true)]
    public int Floor()
    {
        ReadOnlySpan<byte> span = _body;
        int count = 0;
        while (true)
        {
            int i = span.IndexOfAny((byte)'"', (byte)'\\');
            if (i < 0) return count;
            count++;
            span = span[(i + 1)..];
        }
    }

    [Benchmark]
    public long Engine() => _engine.Route(_body).CatalogVersion;

    [Benchmark]
    public string? Dom() => DomBaseline.Route(_body, _engine.Catalog);
}
