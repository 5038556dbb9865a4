using System.Text;
using System.Text.Json;
using RoutingCore.Cli;

namespace RoutingCore.Tests.Cli;

public sealed class CliTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private string Dir => _temp.Path;

    public void Dispose() => _temp.Dispose();

    private string Write(string name, byte[] body)
    {
        var path = Path.Combine(Dir, name);
        File.WriteAllBytes(path, body);
        return path;
    }

    private static (int Status, string Out, string Err) Run(string[] args, byte[]? stdin = null)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int status = CliApp.Run(args, TextReader.Null, o, e, () => new MemoryStream(stdin ?? []));
        return (status, o.ToString(), e.ToString());
    }

    [Fact]
    public void Route_OverABatch_WithLiveCalibration_SendsUpTheTradeoffsShareOfTheBatch()
    {
        // A two-model catalog whose auto alias ranks against the requests of this run (spec R-DIFF-8).
        using var stream = DefaultCatalog.OpenJson();
        using var doc = JsonDocument.Parse(stream);
        var models = doc.RootElement.GetProperty("Routing").GetProperty("Models");
        var catalog = new Dictionary<string, object>
        {
            ["Routing"] = new Dictionary<string, object>
            {
                ["Models"] = new Dictionary<string, JsonElement> { ["gpt-5-nano"] = models.GetProperty("gpt-5-nano"), ["gpt-5.1"] = models.GetProperty("gpt-5.1") },
                ["Aliases"] = new Dictionary<string, object> { ["flux-auto"] = new { Kind = "auto", Tradeoff = 0.5, Calibration = "Live" } },
            },
        };
        var catalogPath = Write("live.json", JsonSerializer.SerializeToUtf8Bytes(catalog));
        // A generated batch far from the reference mix: short everyday asks of varying length, fixed seed.
        var rng = new Random(3);
        string[] words = ["hello", "please", "what", "is", "the", "time", "in", "Paris", "thanks", "list", "three", "fruits", "and", "colours"];
        var files = Enumerable.Range(0, 400).Select(i =>
            Write($"r{i:000}.json", JsonSerializer.SerializeToUtf8Bytes(new
            {
                model = "flux-auto",
                messages = new[] { new { role = "user", content = string.Join(' ', Enumerable.Range(0, 1 + rng.Next(40)).Select(_ => words[rng.Next(words.Length)])) } },
            }))).ToArray();
        var (status, output, error) = Run(["route", "--json", "--catalog", catalogPath, .. files]);
        Assert.True(status == 0, error);
        var chosen = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("model").GetString()).ToArray();
        Assert.Equal(400, chosen.Length);
        double strong = chosen.Skip(100).Count(m => m == "gpt-5.1") / 300.0;
        Assert.InRange(strong, 0.4, 0.6);
    }

    [Fact]
    public void Route_Json_PrintsTheContractFields_OnePerFile_InOrder()
    {
        var ok = Write("ok.json", TestKit.ChatImage("flux-auto", "photo-640x480.png"));
        var bad = Write("bad.json", TestKit.Chat("flux-auto", "https://127.0.0.1/x.png"));
        var (status, output, _) = Run(["route", ok, bad, "--json"]);
        Assert.Equal(1, status);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        var r = first.RootElement;
        foreach (var key in new[] { "file", "ok", "requested", "alias_kind", "model", "provider", "endpoint", "catalog_version", "requires", "images", "output_images", "estimate", "fallbacks", "warnings", "error" })
            Assert.True(r.TryGetProperty(key, out _), key);
        Assert.Equal(ok, r.GetProperty("file").GetString());
        Assert.True(r.GetProperty("ok").GetBoolean());
        var image = r.GetProperty("images")[0];
        Assert.Equal(("png", 640, 480, "exact"), (image.GetProperty("format").GetString(), image.GetProperty("width").GetInt32(), image.GetProperty("height").GetInt32(), image.GetProperty("dims").GetString()));
        var est = r.GetProperty("estimate");
        Assert.Equal(est.GetProperty("text_tokens").GetInt64() + est.GetProperty("image_tokens").GetInt64(), est.GetProperty("input_tokens").GetInt64());

        using var second = JsonDocument.Parse(lines[1]);
        var e = second.RootElement;
        Assert.False(e.GetProperty("ok").GetBoolean());
        Assert.Equal(JsonValueKind.Null, e.GetProperty("model").ValueKind);
        Assert.Equal("image_url_not_allowed", e.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("messages[0].content[1].image_url.url", e.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public void Route_Explain_AddsCandidates()
    {
        var file = Write("r.json", TestKit.Utf8("{\"model\":\"flux-auto\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        var (status, output, _) = Run(["route", file, "--json", "--explain"]);
        Assert.Equal(0, status);
        using var doc = JsonDocument.Parse(output);
        var candidates = doc.RootElement.GetProperty("candidates").EnumerateArray().ToList();
        Assert.Equal("chosen", candidates[0].GetProperty("status").GetString());
        Assert.Equal(doc.RootElement.GetProperty("model").GetString(), candidates[0].GetProperty("model").GetString());
        Assert.Contains(candidates, c => c.GetProperty("status").GetString() == "rejected" && c.GetProperty("reason").GetString() == "missing_capability");
    }

    [Fact]
    public void Route_Json_PrintsDifficulty_AndExplainPrintsTheSignals()
    {
        var easy = Write("easy.json", TestKit.Utf8("""{"model":"flux-auto","messages":[{"role":"user","content":"say hello"}]}"""));
        var hard = Write("hard.json", TestKit.Utf8("""{"model":"flux-auto","messages":[{"role":"user","content":"Prove that $\\sum_{k=1}^{n} k^3 = (n(n+1)/2)^2$ for every n >= 1.\n1. Induction step in full.\n2. Write `long Sum(int n)` in C# and test it for n = 1..10^6.\n3. Where does 64-bit arithmetic overflow?"}]}"""));
        var pinned = Write("pinned.json", TestKit.Utf8("""{"model":"gpt-5","messages":[{"role":"user","content":"say hello"}]}"""));
        var (status, output, _) = Run(["route", easy, hard, pinned, "--json"]);
        Assert.Equal(0, status);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        double e = lines[0].GetProperty("difficulty").GetDouble(), h = lines[1].GetProperty("difficulty").GetDouble();
        Assert.True(e < h, $"{e} vs {h}");
        Assert.Equal(JsonValueKind.Number, lines[0].GetProperty("required_quality").ValueKind);
        Assert.False(lines[2].TryGetProperty("difficulty", out _));
        Assert.False(lines[0].TryGetProperty("difficulty_signals", out _));

        (_, output, _) = Run(["route", hard, "--json", "--explain"]);
        var d = JsonDocument.Parse(output).RootElement;
        var signals = d.GetProperty("difficulty_signals").EnumerateArray().ToList();
        Assert.Equal(FittedDifficultyEstimator.FeatureNames, signals.Select(s => s.GetProperty("name").GetString()));
        Assert.All(signals, s => Assert.Equal(s.GetProperty("value").GetDouble() * s.GetProperty("weight").GetDouble(), s.GetProperty("contribution").GetDouble(), 12));
        var estimator = FittedDifficultyEstimator.Default;
        double intercept = estimator.Score(default); // all features 0
        Assert.Equal(d.GetProperty("difficulty_score").GetDouble(), intercept + signals.Sum(s => s.GetProperty("contribution").GetDouble()), 9);

        (_, output, _) = Run(["route", hard, "--explain"]);
        Assert.Contains("difficulty ", output);
        Assert.Contains("conversation_size", output);
        Assert.Contains("required quality", output);
    }

    [Fact]
    public void Route_Health_ShowsCoolingDownAndDegradedCandidates_AndBadFilesAreUsageErrors()
    {
        var request = Write("easy.json", TestKit.Utf8("""{"model":"flux-auto","messages":[{"role":"user","content":"say hello"}]}"""));
        var health = Write("health.json", TestKit.Utf8("""{"flexai": "cooling_down", "gpt-5-nano": "degraded"}"""));
        var (status, output, _) = Run(["route", request, "--health", health, "--json", "--explain"]);
        Assert.Equal(0, status);
        using var doc = JsonDocument.Parse(output);
        var candidates = doc.RootElement.GetProperty("candidates").EnumerateArray().ToList();
        Assert.NotEqual("phi-4-multimodal-instruct", doc.RootElement.GetProperty("model").GetString());
        Assert.Contains(candidates, c => c.GetProperty("model").GetString() == "phi-4-multimodal-instruct" && c.GetProperty("reason").GetString() == "cooling_down");
        Assert.Contains(candidates, c => c.GetProperty("model").GetString() == "gpt-5-nano" && c.GetProperty("status").GetString() == "degraded");
        var bad = Write("bad-health.json", TestKit.Utf8("""{"openai": "sleepy"}"""));
        var (badStatus, _, error) = Run(["route", request, "--health", bad]);
        Assert.Equal(2, badStatus);
        Assert.Contains("unknown status 'sleepy'", error);
    }

    [Fact]
    public void Route_Stdin_IsReadForDash()
    {
        var (status, output, _) = Run(["route", "-", "--json"], TestKit.Utf8("""{"model":"flux-fast","messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal(0, status);
        Assert.Contains("\"file\":\"-\"", output);
    }

    [Fact]
    public void Route_HumanOutput_ShowsDecisionCostAndImages()
    {
        var file = Write("r.json", TestKit.ChatImage("flux-auto", "photo-640x480.png"));
        var (status, output, _) = Run(["route", file, "--explain"]);
        Assert.Equal(0, status);
        Assert.Contains("(auto) ->", output);
        Assert.Contains("cost", output);
        Assert.Contains("image 0 messages[0].content[1]: data png 640x480", output);
        Assert.Contains("candidate", output);
    }

    [Theory]
    [InlineData("route")]
    [InlineData("route /nonexistent/file.json")]
    [InlineData("fly")]
    [InlineData("route x.json --endpoint grpc")]
    [InlineData("route x.json --max-cost cheap")]
    [InlineData("models --catalog /nonexistent/catalog.json")]
    [InlineData("")]
    public void UsageAndFileErrors_ExitWith2(string args)
    {
        Assert.Equal(2, Run(args.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Status);
    }

    [Fact]
    public void AllowAndMaxCost_AreApplied()
    {
        var file = Write("r.json", TestKit.Utf8("""{"model":"flux-pinned-gpt-5","messages":[{"role":"user","content":"hi"}]}"""));
        var (status, output, _) = Run(["route", file, "--json", "--allow", "claude-haiku-4-5"]);
        Assert.Equal(1, status);
        Assert.Contains("model_not_allowed", output);
        var (s2, o2, _) = Run(["route", file, "--json", "--max-cost", "0.0000001"]);
        Assert.Equal(1, s2);
        Assert.Contains("over_budget", o2);
    }

    [Fact]
    public void Models_Json_IsAnOpenAIStyleList_AndCatalogReplacesTheDefault()
    {
        var (status, output, _) = Run(["models", "--json"]);
        Assert.Equal(0, status);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("list", doc.RootElement.GetProperty("object").GetString());

        var catalog = Write("c.json", Encoding.UTF8.GetBytes("""{"Routing":{"Models":{"only":{"Provider":"p","Tier":"t","Capabilities":["text"],"InputPerMillion":0,"OutputPerMillion":0}},"Aliases":{"a":{"Kind":"auto"}}}}"""));
        var (s2, o2, _) = Run(["models", "--catalog", catalog, "--json"]);
        Assert.Equal(0, s2);
        using var d2 = JsonDocument.Parse(o2);
        Assert.Equal(["a", "only"], d2.RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
    }

    [Fact]
    public void InvalidCatalogFile_ExitsWith2_NamingTheKey()
    {
        var catalog = Write("c.json", Encoding.UTF8.GetBytes("""{"Routing":{"Models":{"only":{"Provider":"p","Tier":"t","Capabilities":["text"],"InputPerMillion":0,"OutputPerMillion":0}},"Policy":"nope"}}"""));
        var (status, _, err) = Run(["models", "--catalog", catalog]);
        Assert.Equal(2, status);
        Assert.Contains("Routing:Policy", err);
    }

    [Fact]
    public void Route_UpstreamBody_WritesTheForwardableBodyForRoutedRequestsOnly()
    {
        var ok = Write("ok.json", TestKit.Utf8("""{"model":"imagen-4","prompt":"a fox","n":1}"""));
        var bad = Write("bad.json", TestKit.Chat("flux-auto", "https://127.0.0.1/x.png"));
        var outDir = Path.Combine(Dir, "upstream");
        var (status, _, _) = Run(["route", ok, bad, "--upstream-body", outDir]);
        Assert.Equal(1, status);
        Assert.Equal("""{"model":"imagen-4.0-generate-001","prompt":"a fox","n":1}""", File.ReadAllText(Path.Combine(outDir, "ok.json")));
        Assert.False(File.Exists(Path.Combine(outDir, "bad.json")));
        Assert.Equal(2, Run(["models", "--upstream-body", outDir]).Status);
    }

    private static string MeterSample(string name) => Path.Combine(AppContext.BaseDirectory, "samples", "metering", name);

    [Theory]
    [InlineData("anthropic.request.json", "anthropic.response.json", "messages")]
    [InlineData("openai-chat.request.json", "openai-chat.response.json", "chat")]
    [InlineData("openai-responses.request.json", "openai-responses.response.json", "responses")]
    public void Meter_AndRouteJson_PrintTheSameEstimate_ForTheSameRequest(string request, string response, string endpoint)
    {
        var (_, metered, _) = Run(["meter", MeterSample(request), MeterSample(response), "--endpoint", endpoint, "--json"]);
        var (_, routed, _) = Run(["route", MeterSample(request), "--endpoint", endpoint, "--json"]);
        using var m = JsonDocument.Parse(metered);
        using var r = JsonDocument.Parse(routed);
        // The same text, not just the same value: both print the exact estimate, never two roundings of it.
        Assert.Equal(r.RootElement.GetProperty("estimate").GetProperty("cost_usd").GetRawText(), m.RootElement.GetProperty("estimated_cost_usd").GetRawText());
    }

    [Fact]
    public void Meter_Json_PrintsTheContract_AndExitCodes()
    {
        var (status, output, _) = Run(["meter", MeterSample("anthropic.request.json"), MeterSample("anthropic.response.json"), "--endpoint", "messages", "--json"]);
        Assert.Equal(0, status);
        using (var doc = JsonDocument.Parse(output))
        {
            var r = doc.RootElement;
            Assert.True(r.GetProperty("ok").GetBoolean());
            Assert.Equal("claude-sonnet-4-5", r.GetProperty("model").GetString());
            Assert.Equal("anthropic", r.GetProperty("source").GetString());
            var u = r.GetProperty("usage");
            Assert.Equal((100, 3000, 2000, 500, 0, 0), (u.GetProperty("input_tokens").GetInt32(), u.GetProperty("cached_input_tokens").GetInt32(),
                u.GetProperty("cache_write_tokens").GetInt32(), u.GetProperty("output_tokens").GetInt32(), u.GetProperty("reasoning_tokens").GetInt32(), u.GetProperty("images").GetInt32()));
            Assert.Equal(0.0162m, r.GetProperty("cost_usd").GetDecimal());
            Assert.True(r.GetProperty("estimated_cost_usd").GetDecimal() > 0);
            Assert.Equal(JsonValueKind.Number, r.GetProperty("ratio").ValueKind);
            Assert.True(r.GetProperty("complete").GetBoolean());
            Assert.False(r.GetProperty("estimated").GetBoolean());
            Assert.Equal(JsonValueKind.Null, r.GetProperty("error").ValueKind);
        }

        // A stream is recognised by its first bytes; a provider error body is metered (exit 0) with its type.
        var (s2, o2, _) = Run(["meter", MeterSample("openai-chat-stream.request.json"), MeterSample("openai-chat-stream.response.sse"), "--json"]);
        Assert.Equal(0, s2);
        Assert.Contains("\"source\":\"openai-chat-stream\"", o2);
        var (s3, o3, _) = Run(["meter", MeterSample("openai-error.request.json"), MeterSample("openai-error.response.json"), "--json"]);
        Assert.Equal(0, s3);
        Assert.Contains("\"error\":\"tokens\"", o3);

        // Unusable response (HTML) and rejected request: exit 1; a missing file or a wrong argument count: exit 2.
        var html = Write("page.html", TestKit.Utf8("<html>502</html>"));
        Assert.Equal(1, Run(["meter", MeterSample("openai-chat.request.json"), html]).Status);
        var rejected = Write("rejected.json", TestKit.Utf8("""{"model":"nope","messages":[]}"""));
        var (s4, o4, _) = Run(["meter", rejected, MeterSample("openai-chat.response.json"), "--json"]);
        Assert.Equal(1, s4);
        Assert.Contains("unknown_model", o4);
        Assert.Equal(2, Run(["meter", MeterSample("openai-chat.request.json")]).Status);
        Assert.Equal(2, Run(["meter", MeterSample("openai-chat.request.json"), Path.Combine(Dir, "missing.json")]).Status);

        var (s5, human, _) = Run(["meter", MeterSample("routellm.request.json"), MeterSample("routellm.response.json")]);
        Assert.Equal(0, s5);
        Assert.Contains("compute points 150", human);
    }
}
