using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RoutingCore.Extensions.AI;
using RoutingCore.Testing;

namespace RoutingCore.Tests.ExtensionsAI;

/// <summary>A fake inner client that records which model it was asked for and answers (or fails) as scripted.</summary>
internal sealed class FakeChatClient(string name, Func<int, Exception?>? failOnCall = null, UsageDetails? usage = null) : IChatClient
{
    public List<(string Client, string? ModelId, int Messages)> Calls { get; } = [];
    public string Name { get; } = name;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls.Add((Name, options?.ModelId, messages.Count()));
        if (failOnCall?.Invoke(Calls.Count) is { } ex) throw ex;
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) { Usage = usage ?? new UsageDetails { InputTokenCount = 1000, OutputTokenCount = 100 } });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Calls.Add((Name, options?.ModelId, messages.Count()));
        await Task.Yield();
        if (failOnCall?.Invoke(Calls.Count) is { } ex) throw ex;
        yield return new ChatResponseUpdate(ChatRole.Assistant, "Hel");
        if (failOnCall?.Invoke(-1) is { } late) throw late; // -1: asked whether to fail after the first update
        yield return new ChatResponseUpdate(ChatRole.Assistant, "lo");
        yield return new ChatResponseUpdate { Contents = [new UsageContent(usage ?? new UsageDetails { InputTokenCount = 12, OutputTokenCount = 5 })] };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

/// <summary>A tool declaration (the full M.E.AI package's function factory is not needed to declare one).</summary>
internal sealed class DeclaredTool(string name, string schema) : AIFunctionDeclaration
{
    private readonly JsonElement _schema = JsonDocument.Parse(schema).RootElement.Clone();
    public override string Name => name;
    public override string Description => "Looks something up.";
    public override JsonElement JsonSchema => _schema;
}

/// <summary>The Microsoft.Extensions.AI adapter (spec R-OBJ-*).</summary>
[Collection(GlobalListeners.Name)]
public class RoutingCoreChatClientTests
{
    private static readonly string[] Providers = ["openai", "anthropic", "google", "bfl", "flexai"];

    private static (RoutingCoreChatClient Client, Dictionary<string, FakeChatClient> Inner) Create(Func<string, Func<int, Exception?>?>? fail = null)
    {
        var inner = Providers.ToDictionary(p => p, p => new FakeChatClient(p, fail?.Invoke(p)));
        return (new RoutingCoreChatClient(TestKit.Engine, inner.ToDictionary(kv => kv.Key, kv => (IChatClient)kv.Value)), inner);
    }

    private static List<FakeChatClient> Called(Dictionary<string, FakeChatClient> inner) => [.. inner.Values.Where(c => c.Calls.Count > 0)];

    [Fact]
    public async Task Auto_CallsTheChosenProvidersClient_WithTheUpstreamModel_AndMetersIntoAdditionalProperties()
    {
        var (client, inner) = Create();
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Summarise the plot of Hamlet.")], new ChatOptions { ModelId = "flux-auto" });
        var decision = TestKit.Engine.Route(TestKit.Utf8("""{"model":"flux-auto","messages":[{"role":"user","content":"Summarise the plot of Hamlet."}]}"""));
        var called = Assert.Single(Called(inner));
        Assert.Equal(decision.Model!.Provider, called.Name);
        Assert.Equal(decision.Model.UpstreamModel, Assert.Single(called.Calls).ModelId);
        var props = response.AdditionalProperties!;
        Assert.Equal(decision.ModelId, props[RoutingCoreChatClient.ModelKey]);
        Assert.Equal(decision.Estimate.CostUsd, props[RoutingCoreChatClient.EstimatedCostKey]);
        var expected = UsageMeter.Meter(decision, TestKit.Utf8("""{"usage":{"prompt_tokens":1000,"completion_tokens":100}}"""));
        Assert.Equal(expected.CostUsd, props[RoutingCoreChatClient.CostKey]);
    }

    [Fact]
    public async Task ImageBytes_AreReadByHeader_AndAPinnedTextOnlyModel_IsRejectedWithTheCodeAndParam()
    {
        var (client, inner) = Create();
        var png = TestKit.Image("photo-640x480.png");
        var messages = new List<ChatMessage> { new(ChatRole.User, [new TextContent("What is in this image?"), new DataContent(png, "image/png")]) };
        var decision = client.Route(messages, new ChatOptions { ModelId = "flux-auto" });
        Assert.True(decision.Requirements.HasFlag(Capabilities.Vision));
        Assert.Equal(TestKit.Engine.Route(TestKit.ChatImage("flux-auto", "photo-640x480.png")).Estimate, decision.Estimate);
        var ex = await Assert.ThrowsAsync<RoutingRejectedException>(() => client.GetResponseAsync(messages, new ChatOptions { ModelId = "dall-e-3" }));
        Assert.Equal("endpoint_not_supported", ex.Code);
        var noReasoning = await Assert.ThrowsAsync<RoutingRejectedException>(() => client.GetResponseAsync(messages,
            new ChatOptions { ModelId = "gpt-4o", Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High } }));
        Assert.Equal("model_lacks_capability", noReasoning.Code);
        Assert.Equal("reasoning_effort", noReasoning.Param);
        Assert.Empty(Called(inner));
    }

    [Fact]
    public async Task MetadataUrl_IsRejectedBeforeAnyCall()
    {
        var (client, inner) = Create();
        var ex = await Assert.ThrowsAsync<RoutingRejectedException>(() => client.GetResponseAsync(
            [new ChatMessage(ChatRole.User, [new TextContent("x"), new UriContent("http://169.254.169.254/latest/meta-data", "image/png")])],
            new ChatOptions { ModelId = "flux-auto" }));
        Assert.Equal("image_url_not_allowed", ex.Code);
        Assert.Equal("messages[0].content[1].image_url", ex.Param);
        Assert.Empty(Called(inner));
    }

    [Fact]
    public async Task FailureOfTheChosenModel_TriesTheNextFallback()
    {
        var decision = TestKit.Engine.Route(TestKit.Utf8("""{"model":"flux-auto","messages":[{"role":"user","content":"Hi"}]}"""));
        string firstProvider = decision.Model!.Provider;
        var (client, inner) = Create(p => p == firstProvider ? _ => new HttpRequestException("429 Too Many Requests") : null);
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { ModelId = "flux-auto" });
        // Every model of the failing provider is skipped; the first ranked fallback of another provider serves.
        var served = Enumerable.Range(0, decision.FallbackCount).Select(decision.GetFallback).First(m => m.Provider != firstProvider);
        Assert.Equal(decision.Model.UpstreamModel, inner[firstProvider].Calls[0].ModelId);
        Assert.Equal(served.Id, response.AdditionalProperties![RoutingCoreChatClient.ModelKey]);
        Assert.Equal(served.UpstreamModel, Assert.Single(inner[served.Provider].Calls).ModelId);
    }

    [Fact]
    public async Task Streaming_FallsBackBeforeTheFirstUpdate_NotAfter_AndEndsWithTheMeteredCost()
    {
        var decision = TestKit.Engine.Route(TestKit.Utf8("""{"model":"flux-auto","messages":[{"role":"user","content":"Hi"}]}"""));
        string firstProvider = decision.Model!.Provider;
        var (client, _) = Create(p => p == firstProvider ? call => call > 0 ? new HttpRequestException("503") : null : null);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { ModelId = "flux-auto" })) updates.Add(u);
        Assert.Equal("Hello", string.Concat(updates.Select(u => u.Text)));
        var last = updates[^1].AdditionalProperties!;
        Assert.NotEqual(decision.ModelId, last[RoutingCoreChatClient.ModelKey]);
        Assert.True((decimal)last[RoutingCoreChatClient.CostKey]! > 0);

        // A failure after the first update reaches the caller: no fallback.
        var (failing, inner) = Create(p => call => call == -1 ? new IOException("connection reset") : null);
        var seen = new List<string>();
        await Assert.ThrowsAsync<IOException>(async () =>
        {
            await foreach (var u in failing.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { ModelId = "flux-auto" })) seen.Add(u.Text);
        });
        Assert.Equal(["Hel"], seen);
        Assert.Single(Called(inner));
    }

    [Fact]
    public async Task Di_RegistersTheRoutingClient_OverKeyedInnerClients()
    {
        var openai = new FakeChatClient("openai");
        var services = new ServiceCollection()
            .AddRoutingCore(o =>
            {
                foreach (var (id, m) in DefaultCatalog.LoadOptions().Models) o.Models[id] = m;
                foreach (var (id, a) in DefaultCatalog.LoadOptions().Aliases) o.Aliases[id] = a;
            })
            .AddKeyedSingleton<IChatClient>("openai", openai)
            .AddRoutingCoreChatClient(o => o.DefaultModel = "flux-pinned-gpt-5");
        using var sp = services.BuildServiceProvider();
        var chat = sp.GetRequiredService<IChatClient>();
        Assert.IsType<RoutingCoreChatClient>(chat);
        var response = await chat.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]);
        Assert.Equal("gpt-5", Assert.Single(openai.Calls).ModelId);
        Assert.Equal("gpt-5", response.AdditionalProperties![RoutingCoreChatClient.ModelKey]);
    }

    // ---- the property: objects and JSON route the same ----------------------------------------------------------

    private static readonly string[] Ids = [.. TestKit.Engine.Catalog.Aliases.Select(a => a.Id), .. TestKit.Engine.Catalog.Models.Select(m => m.Id)];
    private static readonly DeclaredTool Tool = new("lookup", """{"type":"object","properties":{"q":{"type":"string"}}}""");

    private static (List<ChatMessage> Messages, ChatOptions Options) ToObjects(RequestSpec spec)
    {
        var contents = new List<AIContent> { new TextContent(spec.Text) };
        foreach (var image in spec.Images)
        {
            AIContent content = image.IsUrl
                ? new UriContent($"https://images.example.com/{image.Width}x{image.Height}.png", "image/png")
                : new DataContent(ImageHeaders.Create(image.Format, image.Width, image.Height), ImageFormats.MediaType(image.Format));
            if (image.Detail is not null) content.AdditionalProperties = new() { ["detail"] = image.Detail };
            contents.Add(content);
        }
        var options = new ChatOptions { ModelId = spec.Model, MaxOutputTokens = spec.MaxTokens };
        if (spec.Tools) options.Tools = [Tool];
        if (spec.JsonSchema) options.ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse("""{"type":"object"}""").RootElement, "answer");
        if (spec.Reasoning) options.Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Medium };
        return ([new ChatMessage(ChatRole.User, contents)], options);
    }

    /// <summary>A JSON string with only <c>"</c>, <c>\</c> and control characters escaped (emoji stay raw UTF-8, as most SDKs send them).</summary>
    private static byte[] MinimalJsonString(string text)
    {
        var buffer = new byte[text.Length * 6 + 2];
        buffer[0] = (byte)'"';
        int n = JsonStringText.Write(text, buffer.AsSpan(1));
        buffer[n + 1] = (byte)'"';
        return buffer[..(n + 2)];
    }

    /// <summary>The equivalent OpenAI chat body, with text written as most SDKs send it (raw UTF-8, minimal escaping).</summary>
    private static byte[] ToJson(RequestSpec spec)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("model", spec.Model);
            if (spec.MaxTokens is { } mt) w.WriteNumber("max_tokens", mt);
            w.WriteStartArray("messages");
            w.WriteStartObject();
            w.WriteString("role", "user");
            w.WriteStartArray("content");
            w.WriteStartObject(); w.WriteString("type", "text"); w.WritePropertyName("text"); w.WriteRawValue(MinimalJsonString(spec.Text), skipInputValidation: true); w.WriteEndObject();
            foreach (var image in spec.Images)
            {
                w.WriteStartObject();
                w.WriteString("type", "image_url");
                w.WriteStartObject("image_url");
                w.WriteString("url", image.IsUrl ? $"https://images.example.com/{image.Width}x{image.Height}.png"
                    : $"data:{ImageFormats.MediaType(image.Format)};base64,{Convert.ToBase64String(ImageHeaders.Create(image.Format, image.Width, image.Height))}");
                if (image.Detail is not null) w.WriteString("detail", image.Detail);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            if (spec.Tools)
            {
                var tools = new ArrayBufferWriter<byte>();
                ChatRequestFacts.WriteTools(tools, [Tool]);
                w.WritePropertyName("tools");
                w.WriteRawValue(tools.WrittenSpan, skipInputValidation: true);
            }
            if (spec.JsonSchema) { w.WriteStartObject("response_format"); w.WriteString("type", "json_schema"); w.WriteEndObject(); }
            if (spec.Reasoning) w.WriteString("reasoning_effort", "medium");
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    [Fact]
    public void RoutingMessages_EqualsRoutingTheEquivalentJson_Meets_Specification()
    {
        var (client, _) = Create();
        int routed = 0;
        var gen = RoutingGenerators.Request(Ids).Where(s => s.Endpoint == RequestEndpoint.ChatCompletions && !s.ImageOutput);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(400), Prop.ForAll(gen.ToArbitrary(), spec =>
        {
            var json = TestKit.Engine.Route(ToJson(spec), new RouteContext { Endpoint = RequestEndpoint.ChatCompletions });
            var (messages, options) = ToObjects(spec);
            try
            {
                var objects = client.Route(messages, options);
                Assert.True(json.Succeeded, $"JSON rejected with {json.ErrorCode}, objects routed to {objects.ModelId}");
                Assert.Equal(json.ModelId, objects.ModelId);
                Assert.Equal(json.Estimate, objects.Estimate);
                Assert.Equal(json.Requirements, objects.Requirements);
                Assert.Equal(json.Warnings, objects.Warnings);
                Assert.Equal(json.Difficulty, objects.Difficulty);
                Assert.Equal(json.RequiredQuality, objects.RequiredQuality);
                Interlocked.Increment(ref routed);
            }
            catch (RoutingRejectedException ex)
            {
                Assert.Equal(json.ErrorCode, ex.Code);
            }
        }));
        Assert.True(routed >= 40, $"only {routed} routed");
    }
}
