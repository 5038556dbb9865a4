using System.Text;
using BenchmarkDotNet.Attributes;

namespace RoutingCore.Benchmarks;

/// <summary>
/// Metering (spec R-METER-1, -6): a 10 KB chat completion and a 1 MB SSE stream fed in 1–4 KB chunks, each beside
/// the floor over the same bytes in one run.
/// </summary>
[MemoryDiagnoser]
public class MeteringBenchmarks
{
    private RouteDecision _decision;
    private byte[] _response = [];
    private int[] _chunks = [];
    private StreamingUsageMeter _meter = null!;

    [Params("json-10kb", "sse-1mb")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var engine = RoutingEngine.CreateDefault();
        _decision = engine.Route(Encoding.UTF8.GetBytes("""{"model":"gpt-5","stream":true,"messages":[{"role":"user","content":"Tell me a long story."}]}"""));
        _response = Shape == "json-10kb" ? Json10Kb() : Sse(1 << 20);
        var random = new Random(7);
        var sizes = new List<int>();
        for (int at = 0; at < _response.Length;)
        {
            int n = Math.Min(random.Next(1024, 4097), _response.Length - at);
            sizes.Add(n);
            at += n;
        }
        _chunks = [.. sizes];
        _meter = new StreamingUsageMeter();
        var r = Shape == "json-10kb" ? UsageMeter.Meter(_decision, _response) : Stream();
        if (!r.Complete || r.OutputTokens == 0) throw new InvalidOperationException($"{Shape}: the benchmark response did not meter");
    }

    private static byte[] Json10Kb()
    {
        var text = new StringBuilder();
        while (text.Length < 9800) text.Append("The quick brown fox jumps over the lazy dog, and the \\\"dog\\\" sleeps on. ");
        const string head = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1741569952,\"model\":\"gpt-5\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"";
        const string tail = "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1200,\"completion_tokens\":2600,\"total_tokens\":3800,\"prompt_tokens_details\":{\"cached_tokens\":1000},\"completion_tokens_details\":{\"reasoning_tokens\":256}}}";
        return Encoding.UTF8.GetBytes(head + text + tail);
    }

    private static byte[] Sse(int size)
    {
        var sb = new StringBuilder();
        int i = 0;
        while (sb.Length < size)
        {
            sb.Append("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"gpt-5\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"");
            sb.Append(i++ % 3 == 0 ? " token" : "s and more");
            sb.Append("\"},\"finish_reason\":null}]}\n\n");
        }
        sb.Append("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":").Append(i).Append("}}\n\ndata: [DONE]\n\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    [Benchmark(Baseline = true)]
    public int Floor() => Corpus.Floor(_response);

    [Benchmark]
    public long Meter() => Shape == "json-10kb" ? UsageMeter.Meter(_decision, _response).CostPicoUsd : Stream().CostPicoUsd;

    private UsageRecord Stream()
    {
        _meter.Start(_decision);
        int at = 0;
        foreach (int n in _chunks)
        {
            _meter.Feed(_response.AsSpan(at, n));
            at += n;
        }
        return _meter.Complete();
    }
}
