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
    private byte[][] _messages = [];
    private DifficultySignals _signals;

    [Params("text-1kb", "history-100kb", "seven-languages-1kb")]
    public string Shape { get; set; } = "";

    /// <summary>About 1 KB of asks in the seven languages the task lexicon reads (Latin, Cyrillic, CJK).</summary>
    private const string SevenLanguages =
        "Please design a rate limiter and prove it never admits more than the quota. " +
        "Démontrez que la racine carrée de 2 est irrationnelle, puis traduisez la preuve. " +
        "Diseña un sistema de pagos que nunca cobre dos veces y explica cómo lo garantizas. " +
        "Beweise, dass es unendlich viele Primzahlen gibt, und fasse den Beweis kurz zusammen. " +
        "Спроектируйте распределённую очередь сообщений и оцените её задержку. " +
        "请设计一个分布式锁服务，并证明它在网络分区时仍然安全。" +
        "分散ロックサービスを設計し、その正しさを証明してください。ありがとう！";

    [GlobalSetup]
    public void Setup()
    {
        if (Shape == "seven-languages-1kb")
        {
            var text = new StringBuilder();
            while (Encoding.UTF8.GetByteCount(text.ToString()) < 1024) text.Append(SevenLanguages).Append('\n');
            _text = Encoding.UTF8.GetBytes(text.ToString());
            _messages = [_text];
            var body = JsonSerializer.SerializeToUtf8Bytes(new { model = "flux-auto", messages = new[] { new { role = "user", content = text.ToString() } } });
            var d = new RouteDetails();
            RoutingEngine.CreateDefault().Route(body, default, d);
            _signals = d.DifficultySignals;
            return;
        }
        using var doc = JsonDocument.Parse(Corpus.Build(Shape));
        var sb = new StringBuilder();
        foreach (var m in doc.RootElement.GetProperty("messages").EnumerateArray()) sb.Append(m.GetProperty("content").GetString());
        _text = Encoding.UTF8.GetBytes(sb.ToString());
        _messages = [.. doc.RootElement.GetProperty("messages").EnumerateArray().Select(m => Encoding.UTF8.GetBytes(m.GetProperty("content").GetString()!))];
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

    /// <summary>The pass as the scanner runs it: once per message's text (each has its own head and tail for the lexicon).</summary>
    [Benchmark]
    public long SignalPassPerMessage()
    {
        TextTally tally = default;
        foreach (var m in _messages) tally.Accumulate(m);
        return tally.Chars + tally.Steps;
    }

    [Benchmark]
    public double Estimate() => FittedDifficultyEstimator.Default.Estimate(_signals);
}
