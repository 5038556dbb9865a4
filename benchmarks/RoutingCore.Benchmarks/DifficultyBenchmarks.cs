using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using RoutingCore.Difficulty;

namespace RoutingCore.Benchmarks;

/// <summary>
/// The difficulty signal pass (R-DIFF-2) over the decoded text of the 1 KB and 100 KB shapes, beside the token
/// counter over the same text (what the scanner already ran per string before it) and the floor, in one run; and
/// the fitted estimate from the signals (R-DIFF-3), which runs once per auto route.
/// </summary>
[MemoryDiagnoser]
public class DifficultyBenchmarks
{
    private byte[] _text = [];
    private DifficultySignals _signals;

    [Params("text-1kb", "history-100kb")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        using var doc = JsonDocument.Parse(Corpus.Build(Shape));
        var sb = new StringBuilder();
        foreach (var m in doc.RootElement.GetProperty("messages").EnumerateArray()) sb.Append(m.GetProperty("content").GetString());
        _text = Encoding.UTF8.GetBytes(sb.ToString());
        var details = new RouteDetails();
        RoutingEngine.CreateDefault().Route(Corpus.Build(Shape), default, details);
        _signals = details.DifficultySignals;
    }

    [Benchmark(Baseline = true)]
    public int Floor() => Corpus.Floor(_text);

    [Benchmark]
    public long TokenCounter() => HeuristicTokenCounter.Instance.CountTokens(_text);

    [Benchmark]
    public long SignalPass()
    {
        TextTally tally = default;
        tally.Accumulate(_text);
        return tally.Chars + tally.Steps;
    }

    [Benchmark]
    public double Estimate() => FittedDifficultyEstimator.Default.Estimate(_signals);
}
