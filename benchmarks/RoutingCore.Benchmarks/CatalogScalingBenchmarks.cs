using BenchmarkDotNet.Attributes;

namespace RoutingCore.Benchmarks;

/// <summary>
/// The 1 KB text shape against a 20-model and a 1,000-model catalog (same aliases), and two-thread throughput.
/// The large catalog is filled with variants of the default models: <c>spread</c> gives each variant a lower,
/// distinct quality (older or distilled versions, as in real catalogs); <c>copies</c> repeats the originals' exact
/// figures, the worst case for the policy's early exit because every copy ties with its original.
/// </summary>
[MemoryDiagnoser]
public class CatalogScalingBenchmarks
{
    private RoutingEngine _engine = null!;
    private byte[] _body = [];

    [Params(20, 1000)]
    public int Models { get; set; }

    [Params("flux-auto", "flux-pinned-gpt-5")]
    public string Requested { get; set; } = "";

    [Params("spread", "copies")]
    public string Variants { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var defaults = DefaultCatalog.LoadOptions();
        var options = new RoutingOptions();
        foreach (var (k, v) in defaults.Aliases) options.Aliases[k] = v;
        var templates = defaults.Models.OrderBy(m => m.Key, StringComparer.Ordinal).ToList();
        foreach (var (k, v) in templates) options.Models[k] = v;
        for (int i = 0; options.Models.Count < Models; i++)
        {
            var (k, v) = templates[i % templates.Count];
            options.Models[$"{k}-variant-{i}"] = Variants == "copies" ? v : new ModelOptions
            {
                Provider = v.Provider, Tier = v.Tier, Capabilities = v.Capabilities, ContextWindow = v.ContextWindow,
                MaxOutputTokens = v.MaxOutputTokens, DefaultOutputTokens = v.DefaultOutputTokens, InputPerMillion = v.InputPerMillion,
                OutputPerMillion = v.OutputPerMillion, ImageInput = v.ImageInput, ImageOutput = v.ImageOutput,
                Quality = Math.Round(v.Quality * (0.5 + 0.45 * ((i * 7919) % 1000) / 1000.0), 4),
            };
        }
        while (options.Models.Count > Models)
        {
            var drop = options.Models.Keys.First(k => k is not ("gpt-5" or "claude-sonnet-4-5" or "gemini-3.1-pro") && !k.StartsWith("flux", StringComparison.Ordinal) && k != "gpt-image-1");
            options.Models.Remove(drop);
        }
        _engine = new RoutingEngine(options);
        _body = Corpus.Build("text-1kb");
        _body = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(_body).Replace("flux-auto", Requested, StringComparison.Ordinal));
        if (!_engine.Route(_body).Succeeded) throw new InvalidOperationException("setup request was rejected");
    }

    [Benchmark]
    public long Route1KbText() => _engine.Route(_body).CatalogVersion;

    /// <summary>1,000 routes split over two threads (divide by 1,000 for the per-route time under contention).</summary>
    [Benchmark(OperationsPerInvoke = 1000)]
    public void TwoThreads1000Routes()
    {
        Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, _ =>
        {
            for (int i = 0; i < 500; i++) _engine.Route(_body);
        });
    }
}
