using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using RoutingCore.Extensions.AI;

namespace RoutingCore.Benchmarks;

/// <summary>
/// Routing from objects (spec R-OBJ-1): a conversation with one 1 MB image as <see cref="DataContent"/> (bytes already
/// decoded: only the header is read) and a ~1 KB text-only one, through <see cref="RoutingCoreChatClient.Route"/>, beside
/// routing the equivalent JSON body.
/// </summary>
[MemoryDiagnoser]
public class ObjectRoutingBenchmarks
{
    private RoutingCoreChatClient _client = null!;
    private List<ChatMessage> _messages = [];
    private ChatOptions _options = new() { ModelId = "flux-auto" };
    private RoutingEngine _engine = null!;
    private byte[] _json = [];

    [Params("text-1kb", "image-1mb")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _engine = RoutingEngine.CreateDefault();
        _client = new RoutingCoreChatClient(_engine, new Dictionary<string, IChatClient>());
        if (Shape == "text-1kb")
        {
            _messages = [new ChatMessage(ChatRole.System, "You are a helpful assistant."), new ChatMessage(ChatRole.User, Corpus.Prose1Kb)];
            _json = Corpus.Build("text-1kb");
            _options = new ChatOptions { ModelId = "flux-auto", MaxOutputTokens = 512 };
        }
        else
        {
            var jpeg = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "corpus", "photo-1mb.jpg"));
            _messages = [new ChatMessage(ChatRole.User, [new TextContent("What is in these images?"), new DataContent(jpeg, "image/jpeg")])];
            _json = Corpus.Build("data-1mb");
        }
        if (_client.Route(_messages, _options).ModelId is null) throw new InvalidOperationException("not routed");
    }

    [Benchmark(Baseline = true)]
    public long RouteJson() => _engine.Route(_json).Estimate.CostPicoUsd;

    [Benchmark]
    public long RouteObjects() => _client.Route(_messages, _options).Estimate.CostPicoUsd;
}
