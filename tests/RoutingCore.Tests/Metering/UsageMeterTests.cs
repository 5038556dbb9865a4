using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using RoutingCore.Testing;

namespace RoutingCore.Tests.Metering;

/// <summary>Metering responses into usage and cost (spec/metering.md).</summary>
[Collection(GlobalListeners.Name)]
public class UsageMeterTests
{
    private static string Sample(string name) => Path.Combine(AppContext.BaseDirectory, "samples", "metering", name);

    private static RequestEndpoint EndpointOf(string name) => name switch
    {
        "chat" => RequestEndpoint.ChatCompletions, "messages" => RequestEndpoint.Messages, "images" => RequestEndpoint.ImageGenerations,
        "responses" => RequestEndpoint.Responses, _ => RequestEndpoint.Auto,
    };

    public static TheoryData<string> Vectors()
    {
        var data = new TheoryData<string>();
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "spec", "metering-vectors.json")));
        foreach (var v in doc.RootElement.EnumerateArray()) data.Add(v.GetProperty("id").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void MeteringVector_MatchesTheHandCheckedRecord(string id)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "spec", "metering-vectors.json")));
        var v = doc.RootElement.EnumerateArray().Single(x => x.GetProperty("id").GetString() == id);
        var request = File.ReadAllBytes(Sample(v.GetProperty("request").GetString()!));
        var response = File.ReadAllBytes(Sample(v.GetProperty("response").GetString()!));
        var d = TestKit.Engine.Route(request, new RouteContext { Endpoint = EndpointOf(v.GetProperty("endpoint").GetString()!) });
        Assert.True(d.Succeeded, d.ErrorCode);
        var r = UsageMeter.Meter(d, response);
        var e = v.GetProperty("expect");
        Assert.Equal(e.GetProperty("source").GetString(), UsageRecord.SourceName(r.Source));
        void Check(string key, long actual) { if (e.TryGetProperty(key, out var x)) Assert.True(x.GetInt64() == actual, $"{key}: expected {x.GetInt64()}, got {actual}"); }
        Check("input_tokens", r.InputTokens);
        Check("cached_input_tokens", r.CachedInputTokens);
        Check("cache_write_tokens", r.CacheWriteTokens);
        Check("output_tokens", r.OutputTokens);
        Check("reasoning_tokens", r.ReasoningTokens);
        Check("images", r.Images);
        Check("compute_points_used", r.ComputePointsUsed);
        Assert.Equal(decimal.Parse(e.GetProperty("cost_usd").GetString()!, CultureInfo.InvariantCulture), r.CostUsd);
        Assert.Equal(e.GetProperty("complete").GetBoolean(), r.Complete);
        Assert.Equal(e.GetProperty("estimated").GetBoolean(), r.Estimated);
        var err = e.GetProperty("error");
        Assert.Equal(err.ValueKind == JsonValueKind.Null ? null : err.GetString(), r.ErrorType);
        Assert.Equal(d.Estimate.CostPicoUsd, r.EstimatedCostPicoUsd);

        // The same stream fed one byte at a time gives the same record.
        if (UsageMeter.LooksLikeSse(response))
        {
            using var meter = new StreamingUsageMeter();
            meter.Start(d);
            foreach (byte b in response) meter.Feed([b]);
            AssertSame(r, meter.Complete());
        }
    }

    private static void AssertSame(UsageRecord a, UsageRecord b)
    {
        Assert.Equal((a.Source, a.InputTokens, a.CachedInputTokens, a.CacheWriteTokens, a.OutputTokens, a.ReasoningTokens, a.Images),
            (b.Source, b.InputTokens, b.CachedInputTokens, b.CacheWriteTokens, b.OutputTokens, b.ReasoningTokens, b.Images));
        Assert.Equal((a.CostPicoUsd, a.Complete, a.Estimated, a.ErrorType), (b.CostPicoUsd, b.Complete, b.Estimated, b.ErrorType));
    }

    private static RouteDecision Gpt5 => TestKit.Engine.Route(TestKit.Utf8("""{"model":"gpt-5","messages":[{"role":"user","content":"hi"}],"max_tokens":10}"""));

    private static RouteDecision Claude => TestKit.Engine.Route(TestKit.Utf8("""{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}"""),
        new RouteContext { Endpoint = RequestEndpoint.Messages });

    // ---- ATTACKS.md: responses ---------------------------------------------------------------------------------

    [Theory]
    [InlineData("""{"usage":{"prompt_tokens":10,"completion_tokens":5},"usage":{"prompt_tokens":1,"completion_tokens":1}}""")]
    [InlineData("""{"usage":{"prompt_tokens":10,"prompt_tokens":1,"completion_tokens":5}}""")]
    [InlineData("""{"usage":{"prompt_tokens":-10,"completion_tokens":5}}""")]
    [InlineData("""{"usage":{"prompt_tokens":10.5,"completion_tokens":5}}""")]
    [InlineData("""{"usage":{"prompt_tokens":123456789012345678901234567890,"completion_tokens":5}}""")]
    [InlineData("""{"usage":{"prompt_tokens":"10","completion_tokens":5}}""")]
    [InlineData("""{"usage":{"prompt_tokens":10,"completion_tokens":5,"prompt_tokens_details":{"cached_tokens":11}}}""")]
    [InlineData("""{"usage":{"prompt_tokens":10,"completion_tokens":5,"completion_tokens_details":{"reasoning_tokens":6}}}""")]
    [InlineData("""{"usage":[10,5]}""")]
    public void BadUsage_IsMarkedIncomplete_AndNeverNegativeOrWrapped(string response)
    {
        var r = UsageMeter.Meter(Gpt5, TestKit.Utf8(response));
        Assert.False(r.Complete);
        Assert.True(r.CostPicoUsd >= 0);
        Assert.True(r.InputTokens >= 0 && r.OutputTokens >= 0 && r.CachedInputTokens >= 0 && r.ReasoningTokens >= 0);
        Assert.True(r.CostUsd < 1m, $"{r.CostUsd}");
    }

    [Theory]
    [InlineData("<html><body><h1>502 Bad Gateway</h1></body></html>")]
    [InlineData("")]
    [InlineData("{\"usage\":{\"prompt_tokens\":10,")]
    [InlineData("null")]
    public void HtmlEmptyOrTruncatedBody_IsIncomplete_WithZeroCost(string response)
    {
        var r = UsageMeter.Meter(Gpt5, TestKit.Utf8(response));
        Assert.False(r.Complete);
        Assert.Null(r.ErrorType);
        Assert.True(r.CostPicoUsd >= 0);
    }

    [Fact]
    public void Stream_CutMidLine_OrWithoutDone_ReturnsWhatWasRead_MarkedIncomplete()
    {
        var d = Gpt5;
        var full = File.ReadAllBytes(Sample("openai-chat-stream.response.sse"));
        int done = full.AsSpan().IndexOf("data: [DONE]"u8);
        var withoutDone = UsageMeter.Meter(d, full.AsSpan(0, done));
        Assert.False(withoutDone.Complete);
        Assert.Equal(5, withoutDone.OutputTokens); // the usage chunk was read
        int usage = full.AsSpan().IndexOf("\"usage\":{\"prompt_tokens\""u8);
        var cut = UsageMeter.Meter(d, full.AsSpan(0, usage + 5)); // cut inside the usage chunk's line
        Assert.False(cut.Complete);
        Assert.True(cut.Estimated); // no usage arrived: counted from the streamed text
        Assert.True(cut.OutputTokens > 0);
    }

    [Fact]
    public void Stream_GiantLine_IsSkippedWithinTheCap_AndMarkedIncomplete()
    {
        var d = Gpt5;
        using var meter = new StreamingUsageMeter(maxLineBytes: 1 << 20);
        meter.Start(d);
        meter.Feed("data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n"u8);
        var filler = new byte[64 * 1024];
        filler.AsSpan().Fill((byte)'a');
        long before = GC.GetAllocatedBytesForCurrentThread();
        meter.Feed("data: {\"x\":\""u8);
        for (int i = 0; i < 800; i++) meter.Feed(filler); // a 50 MB line
        meter.Feed("\"}\n\n"u8);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        meter.Feed("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}\n\ndata: [DONE]\n\n"u8);
        var r = meter.Complete();
        Assert.True(allocated < 3 << 20, $"{allocated} bytes allocated while a 50 MB line streamed past");
        Assert.False(r.Complete);
        Assert.Equal((3, 4), (r.InputTokens, r.OutputTokens)); // the lines after it were still read
    }

    [Theory]
    [InlineData("\r")]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void Stream_AnyLineEnding_GivesTheSameRecord(string eol)
    {
        var d = Claude;
        var text = File.ReadAllText(Sample("anthropic-stream.response.sse")).Replace("\n", eol);
        var r = UsageMeter.Meter(d, Encoding.UTF8.GetBytes(text));
        Assert.True(r.Complete);
        Assert.Equal((25, 15), (r.InputTokens, r.OutputTokens));
    }

    [Fact]
    public void Anthropic_DeltaCountsThatGoDown_LastCumulativeWins_AndMissingStartIsIncomplete()
    {
        var d = Claude;
        var down = """
            event: message_start
            data: {"type":"message_start","message":{"usage":{"input_tokens":10,"output_tokens":1}}}

            event: message_delta
            data: {"type":"message_delta","usage":{"output_tokens":30}}

            event: message_delta
            data: {"type":"message_delta","usage":{"output_tokens":20}}

            event: message_stop
            data: {"type":"message_stop"}

            """;
        var r = UsageMeter.Meter(d, TestKit.Utf8(down));
        Assert.Equal(20, r.OutputTokens);
        Assert.True(r.Complete);
        var noStart = down[(down.IndexOf("event: message_delta", StringComparison.Ordinal))..];
        Assert.False(UsageMeter.Meter(d, TestKit.Utf8(noStart)).Complete);
    }

    [Fact]
    public void Meter_UsesTheDecisionsSnapshotPrices_NotTheLiveOnes()
    {
        var options = DefaultCatalog.LoadOptions();
        var engine = new RoutingEngine(options);
        var d = engine.Route(TestKit.Utf8("""{"model":"gpt-5","messages":[{"role":"user","content":"hi"}]}"""));
        var response = TestKit.Utf8("""{"usage":{"prompt_tokens":1000000,"completion_tokens":0}}""");
        options.Models["gpt-5"].InputPerMillion = 99m;
        Assert.True(engine.TryUpdateCatalog(options, out _));
        Assert.Equal(1.25m, UsageMeter.Meter(d, response).CostUsd);
        var fresh = engine.Route(TestKit.Utf8("""{"model":"gpt-5","messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal(99m, UsageMeter.Meter(fresh, response).CostUsd);
    }

    [Fact]
    public void Meter_ForAFallbackThatServed_UsesThatModelsPrices()
    {
        var d = TestKit.Engine.Route(TestKit.Utf8("""{"model":"flux-auto","messages":[{"role":"user","content":"hi"}]}"""));
        var fallback = d.GetFallback(0);
        var response = TestKit.Utf8("""{"usage":{"prompt_tokens":1000000,"completion_tokens":1000000}}""");
        var r = UsageMeter.Meter(d, response, fallback);
        Assert.Same(fallback, r.Model);
        Assert.Equal(fallback.InputPerMillion + fallback.OutputPerMillion, r.CostUsd);
    }

    [Fact]
    public void Meter_OfARejectedDecision_NeverThrows_AndCostsNothing()
    {
        var d = TestKit.Engine.Route(TestKit.Utf8("""{"model":"nope","messages":[]}"""));
        var r = UsageMeter.Meter(d, TestKit.Utf8("""{"usage":{"prompt_tokens":5}}"""));
        Assert.False(r.Complete);
        Assert.Equal(0, r.CostPicoUsd);
    }

    [Fact]
    public void Telemetry_RecordsActualCostAndTheEstimateRatio_ByModelAndKind()
    {
        var seen = new List<(string Name, double Value, string? Model, string? Kind)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) => { if (i.Meter.Name == "RoutingCore") l.EnableMeasurementEvents(i); };
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) =>
        {
            string? model = null, kind = null;
            foreach (var t in tags) { if (t.Key == "model") model = (string?)t.Value; if (t.Key == "kind") kind = (string?)t.Value; }
            lock (seen) seen.Add((i.Name, v, model, kind));
        });
        listener.Start();
        var d = Gpt5;
        UsageMeter.Meter(d, TestKit.Utf8("""{"usage":{"prompt_tokens":2,"completion_tokens":5}}"""));
        listener.Dispose();
        lock (seen)
        {
            Assert.Contains(seen, m => m.Name == "routingcore.actual_cost" && m.Model == "gpt-5" && m.Value > 0);
            Assert.Contains(seen, m => m.Name == "routingcore.estimate_accuracy" && m.Model == "gpt-5" && m.Kind == "text" && m.Value > 0 && m.Value <= 1);
        }
    }

    [Fact]
    public void Metering_AllocatesZeroBytes_InSteadyState()
    {
        var d = Gpt5;
        var json = File.ReadAllBytes(Sample("openai-chat.response.json"));
        var sse = File.ReadAllBytes(Sample("openai-chat-stream.response.sse"));
        using var meter = new StreamingUsageMeter();
        void Once()
        {
            UsageMeter.Meter(d, json);
            meter.Start(d);
            for (int i = 0; i < sse.Length; i += 37) meter.Feed(sse.AsSpan(i, Math.Min(37, sse.Length - i)));
            meter.Complete();
        }
        for (int i = 0; i < 10; i++) Once();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) Once();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    // ---- properties -------------------------------------------------------------------------------------------

    private static readonly string[] Ids = [.. TestKit.Engine.Catalog.Aliases.Select(a => a.Id), .. TestKit.Engine.Catalog.Models.Select(m => m.Id)];

    /// <summary>A response that reports exactly the estimate's counts, in the endpoint's own shape.</summary>
    private static byte[] ResponseFor(in RouteDecision d)
    {
        var e = d.Estimate;
        string Repeat(string item, int n) => string.Join(",", Enumerable.Repeat(item, n));
        string json = d.Endpoint switch
        {
            RequestEndpoint.Messages => "{\"type\":\"message\",\"content\":[],\"usage\":{\"input_tokens\":" + e.InputTokens + ",\"output_tokens\":" + e.OutputTokens + "}}",
            RequestEndpoint.ImageGenerations => "{\"created\":1,\"data\":[" + Repeat("{\"url\":\"https://x/y.png\"}", e.OutputImages)
                + "],\"usage\":{\"input_tokens\":" + e.InputTokens + ",\"output_tokens\":" + e.OutputTokens + "}}",
            _ when e.OutputImages > 0 => "{\"choices\":[{\"message\":{\"content\":\"\",\"images\":[" + Repeat("{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/y.png\"}}", e.OutputImages)
                + "]}}],\"usage\":{\"prompt_tokens\":" + e.InputTokens + ",\"completion_tokens\":" + e.OutputTokens + "}}",
            _ => "{\"choices\":[{\"message\":{\"content\":\"ok\"}}],\"usage\":{\"prompt_tokens\":" + e.InputTokens + ",\"completion_tokens\":" + e.OutputTokens + "}}",
        };
        return TestKit.Utf8(json);
    }

    [Fact]
    public void UsageEqualToTheEstimate_CostsExactlyTheEstimate_Meets_Specification()
    {
        int metered = 0;
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(400), Prop.ForAll(RoutingGenerators.Request(Ids).ToArbitrary(), spec =>
        {
            var d = TestKit.Engine.Route(spec.ToJson(), new RouteContext { Endpoint = spec.Endpoint });
            // Token-billed image models price usage tokens, not images: their estimate is per image by design.
            if (!d.Succeeded || d.Model!.ImageOutput is { TokenBilled: true }) return;
            var r = UsageMeter.Meter(d, ResponseFor(d));
            Assert.True(r.Complete);
            Assert.Equal(d.Estimate.CostPicoUsd, r.CostPicoUsd);
            Interlocked.Increment(ref metered);
        }));
        Assert.True(metered >= 40, $"{metered} metered");
    }

    [Fact]
    public void AnyChunkingOfAStream_GivesTheSameRecordAsTheWhole_Meets_Specification()
    {
        var streams = new[] { ("openai-chat-stream", Gpt5), ("anthropic-stream", Claude) };
        var gen = from which in Gen.Choose(0, 1)
                  from eol in Gen.Elements("\n", "\r\n", "\r")
                  from sizes in Gen.ListOf(Gen.Choose(1, 96), 60)
                  select (which, eol, sizes);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (name, d) = streams[t.which];
            var body = Encoding.UTF8.GetBytes(File.ReadAllText(Sample(name + ".response.sse")).Replace("\n", t.eol));
            var whole = UsageMeter.Meter(d, body);
            using var meter = new StreamingUsageMeter();
            meter.Start(d);
            int at = 0, k = 0;
            while (at < body.Length)
            {
                int n = Math.Min(t.sizes[k++ % t.sizes.Count], body.Length - at);
                meter.Feed(body.AsSpan(at, n));
                at += n;
            }
            AssertSame(whole, meter.Complete());
        }));
    }
}

public class GeneratedImageBillingTests
{
    [Fact]
    public void ImagesWithoutTokenCounts_AreBilledPerImageAlone_EvenOnAModelWithATextPrice()
    {
        // gemini-2.5-flash-image has an input price (0.3 per million) and 0.039 per image: two images are 0.078, no text added.
        var request = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", "metering", "routellm.request.json"))
            .Replace("\"flux_pro\"", "\"gemini-2.5-flash-image\"", StringComparison.Ordinal);
        var decision = TestKit.Engine.Route(Encoding.UTF8.GetBytes(request));
        Assert.True(decision.Succeeded, decision.ErrorCode);
        Assert.True(decision.Estimate.InputTokens > 0);
        var response = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "samples", "metering", "routellm.response.json"));
        var usage = UsageMeter.Meter(decision, response);
        Assert.Equal(2, usage.Images);
        Assert.Equal(0, usage.InputTokens);
        Assert.Equal(0.078m, usage.CostUsd);
        Assert.False(usage.Estimated);
    }
}
