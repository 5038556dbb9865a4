using System.Text;
using BenchmarkDotNet.Attributes;
using RoutingCore.Tokenizers;

namespace RoutingCore.Benchmarks;

/// <summary>Per about 1 KB of text: the heuristic counter (baseline) and the exact <c>o200k_base</c> count (R-EST-12), in one run.</summary>
[MemoryDiagnoser]
public class ExactTokenBenchmarks
{
    private byte[] _text = [];

    [Params("ascii-prose", "code", "cjk", "hindi")]
    public string Text { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        string unit = Text switch
        {
            "ascii-prose" => "The gateway routes every request to the model that fits it, and it never fetches an image to size it. ",
            "code" => "    def fibonacci(n: int) -> list[int]:\n        seq = [0, 1]\n        while len(seq) < n:\n            seq.append(seq[-1] + seq[-2])\n",
            "cjk" => "東京で一番おいしいラーメン屋さんを教えてください。予算は千円くらいです。",
            _ => "भारत एक विशाल देश है और इसकी संस्कृति बहुत पुरानी है। ",
        };
        var sb = new StringBuilder();
        while (Encoding.UTF8.GetByteCount(sb.ToString()) < 1024) sb.Append(unit);
        _text = Encoding.UTF8.GetBytes(sb.ToString());
        TiktokenTokenCounter.Instance.CountTokens(TokenizerNames.O200kBase, _text); // load the encoding outside the measurement
    }

    [Benchmark(Baseline = true)]
    public long Heuristic() => HeuristicTokenCounter.Instance.CountTokens(_text);

    [Benchmark]
    public long ExactO200k() => TiktokenTokenCounter.Instance.CountTokens(TokenizerNames.O200kBase, _text);
}

/// <summary>
/// The text shapes through <c>flux-auto</c> with and without the exact counter registered (<c>WhenNeeded</c>): nothing
/// in these requests depends on the exact count, so the route should cost the same; and with <c>Always</c>.
/// </summary>
[MemoryDiagnoser]
public class WhenNeededRouteBenchmarks
{
    private RoutingEngine _plain = null!, _whenNeeded = null!, _always = null!;
    private byte[] _body = [];

    [Params("text-1kb", "history-100kb")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _plain = RoutingEngine.CreateDefault();
        var services = new RoutingEngineServices { ExactTokenCounter = TiktokenTokenCounter.Instance };
        _whenNeeded = new RoutingEngine(DefaultCatalog.LoadOptions(), services);
        var always = DefaultCatalog.LoadOptions();
        always.ExactTokens = ExactTokensMode.Always;
        _always = new RoutingEngine(always, services);
        _body = Corpus.Build(Shape);
        if (!_whenNeeded.Route(_body).Succeeded || !_always.Route(_body).Succeeded) throw new InvalidOperationException(Shape);
    }

    [Benchmark(Baseline = true)]
    public long HeuristicOnly() => _plain.Route(_body).CatalogVersion;

    [Benchmark]
    public long WhenNeeded() => _whenNeeded.Route(_body).CatalogVersion;

    [Benchmark]
    public long Always() => _always.Route(_body).CatalogVersion;
}
