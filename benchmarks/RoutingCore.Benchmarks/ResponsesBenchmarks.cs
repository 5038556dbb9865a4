using System.Text;
using BenchmarkDotNet.Attributes;

namespace RoutingCore.Benchmarks;

/// <summary>The same 1 MB JPEG as a chat request and as a Responses API request (R-SCAN-9), beside the floor over each body, in one run.</summary>
[MemoryDiagnoser]
public class ResponsesBenchmarks
{
    private RoutingEngine _engine = null!;
    private byte[] _chat = [], _responses = [];

    [GlobalSetup]
    public void Setup()
    {
        _engine = RoutingEngine.CreateDefault();
        string uri = "data:image/jpeg;base64," + Convert.ToBase64String(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "corpus", "photo-1mb.jpg")));
        _chat = Encoding.UTF8.GetBytes($$$"""{"model":"flux-auto","messages":[{"role":"user","content":[{"type":"text","text":"What is in this image?"},{"type":"image_url","image_url":{"url":"{{{uri}}}"}}]}]}""");
        _responses = Encoding.UTF8.GetBytes($$$"""{"model":"flux-auto","input":[{"role":"user","content":[{"type":"input_text","text":"What is in this image?"},{"type":"input_image","image_url":"{{{uri}}}"}]}]}""");
        if (!_engine.Route(_chat).Succeeded || !_engine.Route(_responses).Succeeded) throw new InvalidOperationException("not routed");
    }

    [Benchmark(Baseline = true)]
    public int FloorChat() => Corpus.Floor(_chat);

    [Benchmark]
    public long Chat() => _engine.Route(_chat).CatalogVersion;

    [Benchmark]
    public int FloorResponses() => Corpus.Floor(_responses);

    [Benchmark]
    public long Responses() => _engine.Route(_responses).CatalogVersion;
}
