using System.Buffers;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using RoutingCore.Testing;

namespace RoutingCore.Tests.Forwarding;

/// <summary>The forwardable body (spec R-FWD-*): only the model value changes, whatever the body looks like.</summary>
[Collection(GlobalListeners.Name)]
public class UpstreamBodyTests
{
    private static byte[] Rewrite(RouteDecision d, byte[] body, ModelEntry? model = null)
    {
        var buffer = new byte[d.GetUpstreamBodyLength(body, model)];
        Assert.Equal(buffer.Length, d.WriteUpstreamBody(body, buffer, model));
        var writer = new ArrayBufferWriter<byte>(1); // grows: the writer path must handle pieces
        d.WriteUpstreamBody(body, writer, model);
        Assert.Equal(buffer, writer.WrittenSpan.ToArray());
        return buffer;
    }

    [Theory]
    [InlineData("""{"model":"imagen-4","prompt":"a fox","n":1}""", """{"model":"imagen-4.0-generate-001","prompt":"a fox","n":1}""")]
    [InlineData("""{"prompt":"a fox","n" : 1 ,   "model" :  "imagen-4"}""", """{"prompt":"a fox","n" : 1 ,   "model" :  "imagen-4.0-generate-001"}""")]
    [InlineData("""{"prompt":"a\u0020fox","mo\u0064el":"imag\u0065n-4","n":1}""", """{"prompt":"a\u0020fox","mo\u0064el":"imagen-4.0-generate-001","n":1}""")]
    [InlineData("""{"model":"  IMAGEN-4 ","prompt":"x"}""", """{"model":"imagen-4.0-generate-001","prompt":"x"}""")]
    public void Rewrite_ReplacesOnlyTheModelValue_WithTheUpstreamId(string body, string expected)
    {
        var bytes = TestKit.Utf8(body);
        var d = TestKit.Engine.Route(bytes);
        Assert.True(d.Succeeded, d.ErrorCode);
        Assert.Equal(expected, Encoding.UTF8.GetString(Rewrite(d, bytes)));
    }

    [Fact]
    public void Rewrite_OfAnAlias_WritesTheChosenModelsUpstreamId_AndEachFallbacksOnRequest()
    {
        var body = TestKit.Utf8("""{"model":"flux-auto","messages":[{"role":"user","content":"Hello"}],"max_tokens":12}""");
        var d = TestKit.Engine.Route(body);
        Assert.Equal($$"""{"model":"{{d.Model!.UpstreamModel}}","messages":[{"role":"user","content":"Hello"}],"max_tokens":12}""", Encoding.UTF8.GetString(Rewrite(d, body)));
        Assert.True(d.FallbackCount > 0);
        var fallback = d.GetFallback(0);
        Assert.Contains($"\"model\":\"{fallback.UpstreamModel}\"", Encoding.UTF8.GetString(Rewrite(d, body, fallback)), StringComparison.Ordinal);
        var stranger = TestKit.Engine.Catalog.Models.First(m => m != d.Model && Enumerable.Range(0, d.FallbackCount).All(i => d.GetFallback(i) != m));
        Assert.Throws<ArgumentException>(() => d.GetUpstreamBodyLength(body, stranger));
    }

    [Fact]
    public void Rewrite_OfARejectedDecision_IsACallerError()
    {
        var body = TestKit.Utf8("""{"model":"nope","messages":[{"role":"user","content":"x"}]}""");
        var d = TestKit.Engine.Route(body);
        var ex = Assert.Throws<InvalidOperationException>(() => d.WriteUpstreamBody(body, new ArrayBufferWriter<byte>()));
        Assert.Contains("unknown_model", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => default(RouteDecision).GetUpstreamBodyLength(body));
    }

    [Fact]
    public void Rewrite_OfAnotherBody_IsACallerError_NeverACorruptedBody()
    {
        var body = TestKit.Utf8("""{"model":"gpt-5","messages":[{"role":"user","content":"x"}]}""");
        var d = TestKit.Engine.Route(body);
        var longer = TestKit.Utf8("""{"model":"gpt-5","messages":[{"role":"user","content":"xy"}]}""");
        var sameLength = TestKit.Utf8("""{"model":"gpt-4","messages":[{"role":"user","content":"x"}]}""");
        Assert.Throws<ArgumentException>(() => d.GetUpstreamBodyLength(longer));
        Assert.Throws<ArgumentException>(() => d.WriteUpstreamBody(sameLength, new byte[200]));
        var ex = Assert.Throws<ArgumentException>(() => d.WriteUpstreamBody(body, new byte[10]));
        Assert.Equal("destination", ex.ParamName);
    }

    private static RoutingEngine StreamUsageEngine()
    {
        var o = DefaultCatalog.LoadOptions();
        o.IncludeStreamUsage = true;
        return new RoutingEngine(o);
    }

    [Theory]
    [InlineData("""{"model":"gpt-5","stream":true,"messages":[{"role":"user","content":"x"}]}""", true)]
    [InlineData("""{"model":"gpt-5","stream":true,"stream_options":{"include_usage":false},"messages":[]  }""", false)]
    [InlineData("""{"model":"gpt-5","stream":false,"messages":[{"role":"user","content":"x"}]}""", false)]
    [InlineData("""{"model":"gpt-5","messages":[{"role":"user","content":"x"}]}""", false)]
    [InlineData("""{"model":"claude-sonnet-4-5","max_tokens":5,"stream":true,"system":"s","messages":[{"role":"user","content":"x"}]}""", false)]
    public void StreamUsage_IsAddedOnlyToStreamingChatBodiesWithoutStreamOptions_WhenEnabled(string body, bool inserted)
    {
        var bytes = TestKit.Utf8(body);
        var d = StreamUsageEngine().Route(bytes);
        Assert.True(d.Succeeded, d.ErrorCode);
        Assert.Equal(inserted, d.InsertsStreamUsage);
        var rewritten = Rewrite(d, bytes);
        using var doc = JsonDocument.Parse(rewritten);
        Assert.Equal(inserted, doc.RootElement.TryGetProperty("stream_options", out var so) && so.GetProperty("include_usage").GetBoolean());
        if (inserted)
        {
            string text = Encoding.UTF8.GetString(rewritten);
            Assert.Equal(body[..^1] + ""","stream_options":{"include_usage":true}}""", text);
        }
        // Off by default: the same body through the default engine changes only the model.
        var plain = TestKit.Engine.Route(bytes);
        Assert.False(plain.InsertsStreamUsage);
        using var unchanged = JsonDocument.Parse(Rewrite(plain, bytes));
        Assert.Equal(doc.RootElement.TryGetProperty("stream_options", out _) && !inserted, unchanged.RootElement.TryGetProperty("stream_options", out _));
    }

    [Fact]
    public void Rewrite_IntoAReusedWriter_AllocatesZeroBytes()
    {
        var body = TestKit.ChatImage("flux-auto", "progressive-icc-1200x900.jpg");
        var d = TestKit.Engine.Route(body);
        var writer = new ArrayBufferWriter<byte>(body.Length + 64);
        var span = new byte[body.Length + 64];
        for (int i = 0; i < 5; i++) { writer.ResetWrittenCount(); d.WriteUpstreamBody(body, writer); d.WriteUpstreamBody(body, span); }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            writer.ResetWrittenCount();
            d.WriteUpstreamBody(body, writer);
            d.WriteUpstreamBody(body, span);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static byte[] Concatenate(RouteDecision d, byte[] body, ModelEntry? model)
    {
        var segments = new ReadOnlyMemory<byte>[RouteDecision.MaxUpstreamSegments];
        int n = d.GetUpstreamSegments(body, segments, model);
        return [.. segments.Take(n).SelectMany(s => s.ToArray())];
    }

    [Fact]
    public void Segments_AreSlicesOfTheClientsBuffer_ConcatenateToTheRewrite_AndAllocateNothing()
    {
        var options = DefaultCatalog.LoadOptions();
        options.IncludeStreamUsage = true;
        var engine = new RoutingEngine(options);
        var body = TestKit.Utf8("""{"model":"flux-auto","stream":true,"messages":[{"role":"user","content":"hello there"}]}""");
        var d = engine.Route(body);
        Assert.True(d.InsertsStreamUsage);
        for (int i = 0; i < d.ServingModelCount; i++)
        {
            var model = d.GetServingModel(i);
            var expected = new byte[d.GetUpstreamBodyLength(body, model)];
            d.WriteUpstreamBody(body, expected, model);
            Assert.Equal(expected, Concatenate(d, body, model));
        }
        var segments = new ReadOnlyMemory<byte>[RouteDecision.MaxUpstreamSegments];
        int n = d.GetUpstreamSegments(body, segments);
        Assert.Equal(5, n);
        // Before the model, between it and the root's end, and the closing brace are the client's own array, not copies.
        foreach (int i in new[] { 0, 2, 4 })
        {
            Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(segments[i], out var slice));
            Assert.Same(body, slice.Array);
        }
        Assert.Throws<ArgumentException>(() => d.GetUpstreamSegments(body, new ReadOnlyMemory<byte>[4]));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) d.GetUpstreamSegments(body, segments);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Explain_ShowsEndpointUnsupported_ForCandidatesThatCannotTakeTheShape()
    {
        var body = TestKit.Utf8("""{"model":"flux-auto","max_tokens":10,"messages":[{"role":"user","content":[{"type":"text","text":"x"}]}]}""");
        var (d, details) = TestKit.Route(body, new RouteContext { Endpoint = RequestEndpoint.Messages }, explain: true);
        Assert.Equal("anthropic", d.Model!.Provider);
        Assert.Contains(details.Candidates, c => c.Model.Id == "gpt-5" && c.ReasonText == "endpoint_unsupported");
    }

    // ---- properties -------------------------------------------------------------------------------------------

    private static readonly string[] Ids = [.. TestKit.Engine.Catalog.Aliases.Select(a => a.Id), .. TestKit.Engine.Catalog.Models.Select(m => m.Id)];

    /// <summary>
    /// Moves the generated body's leading <c>"model":"…"</c> to a chosen top-level position, optionally spelling the
    /// key and the value with <c>\u</c> escapes. Returns the body and where the model value's token starts.
    /// </summary>
    private static (byte[] Body, int ValueStart, int ValueLength) Place(byte[] generated, string model, int slot, bool escapeKey, bool escapeValue)
    {
        string json = Encoding.UTF8.GetString(generated);
        string lead = "{\"model\":" + JsonSerializer.Serialize(model) + ",";
        Assert.StartsWith(lead, json, StringComparison.Ordinal);
        string rest = "{" + json[lead.Length..];
        var starts = new List<int>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(rest));
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1) starts.Add(Encoding.UTF8.GetCharCount(Encoding.UTF8.GetBytes(rest)[..(int)reader.TokenStartIndex]));
        }
        string key = escapeKey ? "\"mo\\u0064el\"" : "\"model\"";
        string value = escapeValue ? "\"\\u" + ((int)model[0]).ToString("x4") + JsonSerializer.Serialize(model)[2..] : JsonSerializer.Serialize(model);
        int at = slot % (starts.Count + 1);
        string result = at < starts.Count
            ? rest[..starts[at]] + key + ":" + value + "," + rest[starts[at]..]
            : rest[..^1] + "," + key + ":" + value + "}";
        int insertAt = at < starts.Count ? starts[at] : rest.Length - 1 + 1;
        int valueStart = Encoding.UTF8.GetByteCount(result[..(insertAt + key.Length + 1)]);
        return (Encoding.UTF8.GetBytes(result), valueStart, Encoding.UTF8.GetByteCount(value));
    }

    private static void AssertRewrite(RouteDecision d, byte[] body, int valueStart, int valueLength)
    {
        var rewritten = Rewrite(d, body);
        Assert.Equal(rewritten, Concatenate(d, body, null)); // the zero-copy segments say the same bytes (R-FWD-6)
        var upstream = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(d.Model!.UpstreamModel));
        Assert.Equal(body.AsSpan(0, valueStart).ToArray(), rewritten.AsSpan(0, valueStart).ToArray());
        Assert.Equal(upstream, rewritten.AsSpan(valueStart, upstream.Length).ToArray());
        Assert.Equal(body.AsSpan(valueStart + valueLength).ToArray(), rewritten.AsSpan(valueStart + upstream.Length).ToArray());
        using var original = JsonDocument.Parse(body);
        using var forwarded = JsonDocument.Parse(rewritten);
        JsonAssert.EqualExceptModel(original.RootElement, forwarded.RootElement, d.Model.UpstreamModel);
    }

    [Fact]
    public void Rewrite_GeneratedRequestsOfEveryShape_Meets_Specification()
    {
        int routed = 0;
        var gen = from spec in RoutingGenerators.Request(Ids)
                  from slot in Gen.Choose(0, 20)
                  from escapeKey in Gen.Elements(false, true)
                  from escapeValue in Gen.Elements(false, true)
                  select (spec, slot, escapeKey, escapeValue);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(400), Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (body, start, length) = Place(t.spec.ToJson(), t.spec.Model, t.slot, t.escapeKey, t.escapeValue);
            var d = TestKit.Engine.Route(body, new RouteContext { Endpoint = t.spec.Endpoint });
            if (!d.Succeeded) return;
            Interlocked.Increment(ref routed);
            AssertRewrite(d, body, start, length);
        }));
        Assert.True(routed >= 40, $"only {routed} of 400 generated requests routed");
    }

    [Fact]
    public void Rewrite_OverTheConformanceVectors_Meets_Specification()
    {
        int checkedCount = 0;
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "vectors"), "*.json"))
        {
            using var v = JsonDocument.Parse(File.ReadAllBytes(file));
            var request = v.RootElement.GetProperty("request");
            if (request.ValueKind != JsonValueKind.Object || !request.TryGetProperty("model", out var m) || m.ValueKind != JsonValueKind.String) continue;
            byte[] body = Conformance.VectorTests.BodyOf(request);
            var d = TestKit.Engine.Route(body, new RouteContext { Endpoint = Conformance.VectorTests.EndpointOf(v.RootElement) });
            if (!d.Succeeded) continue;
            int start = body.AsSpan().IndexOf("\"model\":"u8) + "\"model\":".Length;
            while (body[start] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') start++;
            int length = Encoding.UTF8.GetByteCount(JsonSerializer.Serialize(m.GetString()));
            AssertRewrite(d, body, start, length);
            checkedCount++;
        }
        Assert.True(checkedCount >= 30, $"{checkedCount} vectors");
    }
}

/// <summary>Structural JSON equality that keeps property order and raw number spellings.</summary>
internal static class JsonAssert
{
    public static void EqualExceptModel(JsonElement a, JsonElement b, string model)
    {
        var pa = a.EnumerateObject().ToList();
        var pb = b.EnumerateObject().ToList();
        Assert.Equal(pa.Count, pb.Count);
        for (int i = 0; i < pa.Count; i++)
        {
            Assert.Equal(pa[i].Name, pb[i].Name);
            if (pa[i].Name == "model") Assert.Equal(model, pb[i].Value.GetString());
            else Equal(pa[i].Value, pb[i].Value);
        }
    }

    public static void Equal(JsonElement a, JsonElement b)
    {
        Assert.Equal(a.ValueKind, b.ValueKind);
        switch (a.ValueKind)
        {
            case JsonValueKind.Object:
                var pa = a.EnumerateObject().ToList();
                var pb = b.EnumerateObject().ToList();
                Assert.Equal(pa.Count, pb.Count);
                for (int i = 0; i < pa.Count; i++) { Assert.Equal(pa[i].Name, pb[i].Name); Equal(pa[i].Value, pb[i].Value); }
                break;
            case JsonValueKind.Array:
                Assert.Equal(a.GetArrayLength(), b.GetArrayLength());
                foreach (var (x, y) in a.EnumerateArray().Zip(b.EnumerateArray())) Equal(x, y);
                break;
            case JsonValueKind.String: Assert.Equal(a.GetString(), b.GetString()); break;
            default: Assert.Equal(a.GetRawText(), b.GetRawText()); break;
        }
    }
}

public class UpstreamModelCatalogTests
{
    [Fact]
    public void UpstreamModel_WithAQuote_IsRejectedAtLoad()
    {
        var o = new RoutingOptions();
        o.Models["m"] = new ModelOptions { Provider = "p", Capabilities = ["text"], InputPerMillion = 1, OutputPerMillion = 1, UpstreamModel = "evil\",\"x\":\"" };
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new RoutingEngine(o));
        Assert.Contains(ex.Failures, f => f.StartsWith("Routing:Models:m:UpstreamModel", StringComparison.Ordinal));
    }

    [Fact]
    public void Endpoints_DefaultByProvider_AndUnknownNamesAreRejected()
    {
        var o = new RoutingOptions();
        o.Models["a"] = new ModelOptions { Provider = "anthropic", Capabilities = ["text"], InputPerMillion = 1, OutputPerMillion = 1 };
        o.Models["o"] = new ModelOptions { Provider = "openai", Capabilities = ["text"], InputPerMillion = 1, OutputPerMillion = 1 };
        o.Models["x"] = new ModelOptions { Provider = "self-hosted", Capabilities = ["text"], InputPerMillion = 1, OutputPerMillion = 1 };
        o.Models["y"] = new ModelOptions { Provider = "openai", Capabilities = ["text"], InputPerMillion = 1, OutputPerMillion = 1, Endpoints = ["messages"] };
        var models = new RoutingEngine(o).Catalog.Models.ToDictionary(m => m.Id);
        Assert.Equal(EndpointSet.Messages | EndpointSet.Chat, models["a"].Endpoints);
        Assert.Equal(EndpointSet.Chat | EndpointSet.Images | EndpointSet.Responses, models["o"].Endpoints); // openai also takes the Responses API
        Assert.Equal(EndpointSet.All, models["x"].Endpoints);
        Assert.Equal(EndpointSet.Messages, models["y"].Endpoints);
        Assert.Equal("o", models["o"].UpstreamModel);
        o.Models["y"].Endpoints = ["embeddings"];
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new RoutingEngine(o));
        Assert.Contains(ex.Failures, f => f.StartsWith("Routing:Models:y:Endpoints: unknown endpoint 'embeddings'", StringComparison.Ordinal));
    }
}
