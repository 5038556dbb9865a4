using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RoutingCore.Budgets;
using RoutingCore.Gateway;

namespace RoutingCore.Tests.Gateway;

/// <summary>The reference gateway over real HTTP on loopback against a fake upstream (spec R-GW-*).</summary>
public sealed class GatewayTests : IAsyncLifetime
{
    private const string Key = "sk-test-team";
    private FakeUpstream _upstream = null!;
    private WebApplication _gateway = null!;
    private HttpClient _client = null!;

    private static readonly string[] Providers = ["openai", "anthropic", "google", "bfl", "flexai"];

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        (_gateway, _client) = await StartGatewayAsync(_upstream, new Dictionary<string, string?>());
    }

    internal static async Task<(WebApplication App, HttpClient Client)> StartGatewayAsync(FakeUpstream? upstream, Dictionary<string, string?> extra,
        Action<IServiceCollection>? services = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Gateway:MaxBodyBytes"] = "2000000",
            [$"Gateway:Keys:{Key}:BudgetUsd"] = "100",
            ["Gateway:Keys:sk-tiny-budget:BudgetUsd"] = "0.000001",
            ["Gateway:Keys:sk-capped:MaxCostUsd"] = "0.0000001",
            ["Gateway:Keys:sk-only-gpt-5:AllowedModels:0"] = "gpt-5",
        };
        if (upstream is not null)
        {
            foreach (var p in Providers)
            {
                settings[$"Gateway:Upstreams:{p}:BaseUrl"] = $"{upstream.BaseUrl}/{p}/v1";
                settings[$"Gateway:Upstreams:{p}:ApiKey"] = $"upstream-secret-{p}";
            }
        }
        foreach (var (k, v) in extra) settings[k] = v;
        var app = GatewayApp.Create([], b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            b.Logging.ClearProviders();
            services?.Invoke(b.Services);
        });
        await GatewayApp.InitializeAsync(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Assert.StartsWith("http://127.0.0.1:", address, StringComparison.Ordinal);
        var client = new HttpClient { BaseAddress = new Uri(address) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return (app, client);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.StopAsync();
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Seed(string file, string key)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "vectors", file)));
        return doc.RootElement.GetProperty(key).GetRawText();
    }

    private static string Header(HttpResponseMessage r, string name) => r.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : "";

    /// <summary>The upstream got the client's bytes with only the model value replaced.</summary>
    private static void AssertForwardedAsIs(string clientJson, string requested, UpstreamRequest seen, string upstreamModel)
    {
        var expected = clientJson.Replace($"\"model\":\"{requested}\"", $"\"model\":\"{upstreamModel}\"", StringComparison.Ordinal);
        Assert.Equal(expected, Encoding.UTF8.GetString(seen.Body));
    }

    [Theory]
    [InlineData("seed-000-url.json")]
    [InlineData("seed-002-vision-input.json")]
    [InlineData("seed-002-ex1-basic.json")]
    [InlineData("seed-002-ex2-multiple.json")]
    [InlineData("seed-002-ex4-openai-quality.json")]
    [InlineData("seed-002-ex5-gemini-size.json")]
    [InlineData("seed-003-phi4.json")]
    [InlineData("seed-004-url.json")]
    public async Task SeedChatExample_GoesThroughEndToEnd_WithOnlyTheModelReplaced(string vector)
    {
        string json = JsonSerializer.Serialize(JsonDocument.Parse(Seed(vector, "request")).RootElement); // compact, as a client sends it
        string requested = JsonDocument.Parse(json).RootElement.GetProperty("model").GetString()!;
        using var response = await _client.PostAsync("/v1/chat/completions", Body(json));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string model = Header(response, "x-routingcore-model"), provider = Header(response, "x-routingcore-provider");
        Assert.NotEmpty(model);
        Assert.True(decimal.Parse(Header(response, "x-routingcore-estimated-cost-usd"), System.Globalization.CultureInfo.InvariantCulture) > 0);
        var seen = Assert.Single(_upstream.Requests);
        Assert.Equal($"/{provider}/v1/chat/completions", seen.Path);
        var entry = _gateway.Services.GetRequiredService<IRoutingEngine>().Catalog.Models.Single(m => m.Id == model);
        AssertForwardedAsIs(json, requested, seen, entry.UpstreamModel);
        Assert.Equal($"Bearer upstream-secret-{provider}", seen.Headers["authorization"]); // never the client's key
        Assert.DoesNotContain(Key, string.Join(" ", seen.Headers.Values), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeedImageGeneration_GoesToTheImagesEndpoint_AndIsMeteredPerImage()
    {
        _upstream.Script.Enqueue(FakeUpstream.Json(200, """{"created":1,"data":[{"url":"https://x/1.png"}]}"""));
        string json = """{"model":"flux-image","prompt":"A watercolor fox curled up asleep in a library"}""";
        using var response = await _client.PostAsync("/v1/images/generations", Body(json));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(_upstream.Requests);
        Assert.EndsWith("/v1/images/generations", seen.Path, StringComparison.Ordinal);
        var status = await Ledger().GetAsync(LedgerId(Key));
        Assert.True(status.SpentUsd > 0, "one generated image was settled");
    }

    [Fact]
    public async Task AnthropicBase_UsesTheAnthropicShape_Credentials_AndVersion()
    {
        _upstream.Script.Enqueue(FakeUpstream.Json(200, File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", "metering", "anthropic.response.json"))));
        string json = """{"model":"flux-pinned-claude-sonnet","max_tokens":100,"messages":[{"role":"user","content":[{"type":"text","text":"What is in this image?"},{"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]}]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/anthropic/v1/messages") { Content = Body(json) };
        request.Headers.Authorization = null;
        request.Headers.Add("x-api-key", Key);
        request.Headers.Add("anthropic-version", "2023-06-01");
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(_upstream.Requests);
        Assert.Equal("/anthropic/v1/messages", seen.Path);
        Assert.Equal("upstream-secret-anthropic", seen.Headers["x-api-key"]);
        Assert.Equal("2023-06-01", seen.Headers["anthropic-version"]);
        Assert.False(seen.Headers.ContainsKey("authorization"));
        AssertForwardedAsIs(json, "flux-pinned-claude-sonnet", seen, "claude-sonnet-4-5");
        Assert.Equal(0.0162m, (await Ledger().GetAsync(LedgerId(Key))).SpentUsd); // metered from the response, settled
    }

    [Fact]
    public async Task StreamedResponse_ArrivesChunkByChunk_AndIsMetered()
    {
        var released = new SemaphoreSlim(0);
        var sse = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", "metering", "openai-chat-stream.response.sse"))
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e + "\n\n").ToArray();
        _upstream.Script.Enqueue(FakeUpstream.Sse(sse, async i => { if (i == 0) await released.WaitAsync(TimeSpan.FromSeconds(20)); }));
        string json = """{"model":"gpt-5","stream":true,"messages":[{"role":"user","content":"Say hello."}]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Body(json) };
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[4096];
        int first = await stream.ReadAsync(buffer); // the upstream is holding the rest until released
        Assert.StartsWith("data: ", Encoding.UTF8.GetString(buffer, 0, first), StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", Encoding.UTF8.GetString(buffer, 0, first), StringComparison.Ordinal);
        released.Release();
        var rest = new MemoryStream();
        await stream.CopyToAsync(rest);
        var all = Encoding.UTF8.GetString(buffer, 0, first) + Encoding.UTF8.GetString(rest.ToArray());
        // Passed through unchanged, except the usage-only chunk the gateway asked for and the client did not (R-GW-14).
        Assert.Equal(string.Concat(sse.Where(e => !e.Contains("\"choices\":[]", StringComparison.Ordinal))), all);
        Assert.Equal(6, sse.Length);
        // The gateway asked for the usage chunk (IncludeStreamUsage) and settled the metered cost: 12 in, 5 out on gpt-5.
        Assert.Contains("\"stream_options\":{\"include_usage\":true}", Encoding.UTF8.GetString(Assert.Single(_upstream.Requests).Body), StringComparison.Ordinal);
        Assert.Equal(0.000065m, (await Ledger().GetAsync(LedgerId(Key))).SpentUsd);
    }

    [Fact]
    public async Task RateLimitedFirstModel_GoesToTheNextFallback()
    {
        _upstream.Script.Enqueue(FakeUpstream.Json(429, """{"error":{"message":"slow down","type":"rate_limit_error","code":"rate_limit_exceeded"}}"""));
        _upstream.Script.Enqueue(FakeUpstream.Drop());
        string json = """{"model":"flux-auto","messages":[{"role":"user","content":"Hello"}]}""";
        var decision = _gateway.Services.GetRequiredService<IRoutingEngine>().Route(Encoding.UTF8.GetBytes(json));
        using var response = await _client.PostAsync("/v1/chat/completions", Body(json));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = _upstream.Requests.ToArray();
        Assert.Equal(3, seen.Length); // 429, dropped connection, then served
        Assert.Contains($"\"model\":\"{decision.Model!.UpstreamModel}\"", Encoding.UTF8.GetString(seen[0].Body), StringComparison.Ordinal);
        Assert.Contains($"\"model\":\"{decision.GetFallback(0).UpstreamModel}\"", Encoding.UTF8.GetString(seen[1].Body), StringComparison.Ordinal);
        Assert.Contains($"\"model\":\"{decision.GetFallback(1).UpstreamModel}\"", Encoding.UTF8.GetString(seen[2].Body), StringComparison.Ordinal);
        Assert.Equal(decision.GetFallback(1).Id, Header(response, "x-routingcore-model"));
        Assert.Equal(decision.GetFallback(1).Provider, Header(response, "x-routingcore-provider"));
    }

    [Fact]
    public async Task EveryModelFailing_GivesTheClientTheLastUpstreamsAnswer_AndReleasesTheReservation()
    {
        for (int i = 0; i < 5; i++) _upstream.Script.Enqueue(FakeUpstream.Json(503, """{"error":{"message":"overloaded","type":"server_error"}}"""));
        using var response = await _client.PostAsync("/v1/chat/completions", Body("""{"model":"flux-auto","messages":[{"role":"user","content":"Hello"}]}"""));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("overloaded", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var status = await Ledger().GetAsync(LedgerId(Key));
        Assert.Equal((0m, 0m), (status.SpentUsd, status.ReservedUsd));
    }

    [Fact]
    public async Task FailureAfterTheFirstByte_EndsTheResponse_WithoutFallback()
    {
        _upstream.Script.Enqueue(FakeUpstream.Sse(["data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n", "never sent"], failAfterFirst: true));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Body("""{"model":"flux-auto","stream":true,"messages":[{"role":"user","content":"Hi"}]}""") };
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = new MemoryStream();
        await Assert.ThrowsAnyAsync<Exception>(async () => await (await response.Content.ReadAsStreamAsync()).CopyToAsync(received));
        Assert.StartsWith("data: {\"choices\"", Encoding.UTF8.GetString(received.ToArray()), StringComparison.Ordinal);
        Assert.DoesNotContain("never sent", Encoding.UTF8.GetString(received.ToArray()), StringComparison.Ordinal);
        await Task.Delay(200);
        Assert.Single(_upstream.Requests); // no fallback once the client had bytes
        var status = await Ledger().GetAsync(LedgerId(Key));
        Assert.Equal(0m, status.ReservedUsd);
        Assert.True(status.SpentUsd > 0, "what was read was metered (counted) and settled");
    }

    [Fact]
    public async Task OverBudgetKey_Gets429_OverBudget_AndNothingGoesUpstream()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Body("""{"model":"gpt-5","messages":[{"role":"user","content":"Hello"}]}""") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-tiny-budget");
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("over_budget", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(_upstream.Requests);
    }

    public static TheoryData<string, string, string, HttpStatusCode, string> BadRequests() => new()
    {
        { "/v1/chat/completions", Key, """{"model":"gpt-5","messages":[""", HttpStatusCode.BadRequest, "invalid_json" },
        { "/v1/chat/completions", Key, """{"model":"gpt-5","model":"cheap","messages":[]}""", HttpStatusCode.BadRequest, "duplicate_key" },
        { "/v1/chat/completions", Key, """{"messages":[{"role":"user","content":"x"}]}""", HttpStatusCode.BadRequest, "missing_model" },
        { "/v1/chat/completions", Key, """{"model":"gpt-6","messages":[{"role":"user","content":"x"}]}""", HttpStatusCode.BadRequest, "unknown_model" },
        { "/v1/chat/completions", Key, """{"model":"gpt-5","max_tokens":-1,"messages":[{"role":"user","content":"x"}]}""", HttpStatusCode.BadRequest, "invalid_parameter" },
        { "/v1/chat/completions", Key, """{"model":"gpt-5","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"http://169.254.169.254/latest"}}]}]}""", HttpStatusCode.BadRequest, "image_url_not_allowed" },
        { "/v1/chat/completions", Key, """{"model":"gpt-5","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AAA"}}]}]}""", HttpStatusCode.BadRequest, "invalid_image_data" },
        { "/v1/chat/completions", Key, """{"model":"dall-e-2","messages":[{"role":"user","content":"x"}]}""", HttpStatusCode.BadRequest, "endpoint_not_supported" },
        { "/v1/chat/completions", Key, """{"model":"gpt-4o-mini","modalities":["image"],"messages":[{"role":"user","content":"x"}]}""", HttpStatusCode.BadRequest, "model_lacks_capability" },
        { "/v1/chat/completions", "sk-only-gpt-5", """{"model":"claude-haiku-4-5","messages":[{"role":"user","content":"x"}]}""", HttpStatusCode.Forbidden, "model_not_allowed" },
        { "/v1/chat/completions", "sk-capped", """{"model":"gpt-5","messages":[{"role":"user","content":"x"}]}""", HttpStatusCode.BadRequest, "over_budget" },
        { "/anthropic/v1/messages", Key, """{"model":"gpt-5","max_tokens":5,"messages":[{"role":"user","content":"x"}]}""", HttpStatusCode.BadRequest, "endpoint_not_supported" },
        { "/anthropic/v1/messages", Key, """{"model":""", HttpStatusCode.BadRequest, "invalid_json" },
        { "/v1/images/generations", Key, """{"model":"flux-fast","prompt":"x"}""", HttpStatusCode.BadRequest, "no_eligible_model" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadRequest_GetsItsCode_InTheEndpointsOwnErrorShape(string path, string key, string json, HttpStatusCode status, string code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Body(json) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await _client.SendAsync(request);
        Assert.Equal(status, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        if (path.StartsWith("/anthropic", StringComparison.Ordinal))
        {
            Assert.Equal("error", doc.RootElement.GetProperty("type").GetString());
            Assert.Equal(status == HttpStatusCode.Forbidden ? "permission_error" : "invalid_request_error", doc.RootElement.GetProperty("error").GetProperty("type").GetString());
            Assert.StartsWith(code + ":", doc.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        else
        {
            var error = doc.RootElement.GetProperty("error");
            Assert.Equal(code, error.GetProperty("code").GetString());
            Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
            Assert.True(error.TryGetProperty("param", out _) && error.TryGetProperty("type", out _));
        }
        Assert.Empty(_upstream.Requests);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sk-unknown")]
    [InlineData("SK-TEST-TEAM")]
    public async Task UnknownOrMissingKey_Is401(string? key)
    {
        using var bare = new HttpClient { BaseAddress = _client.BaseAddress }; // no default Authorization header
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Body("""{"model":"gpt-5","messages":[]}""") };
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await bare.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_upstream.Requests);
    }

    [Fact]
    public async Task BodyOverTheLimit_Is413()
    {
        var big = "{\"model\":\"gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('a', 2_100_000) + "\"}]}";
        using var response = await _client.PostAsync("/v1/chat/completions", Body(big));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(_upstream.Requests);
    }

    [Fact]
    public async Task HeaderInjection_ThroughTheModelId_ChangesNoHeader()
    {
        using var response = await _client.PostAsync("/v1/chat/completions", Body("{\"model\":\"gpt-5\\r\\nX-Injected: yes\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Injected"));
        Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("x-routingcore", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("gpt-5%0D%0AX-Injected%3A%20yes", RoutingCore.ReverseProxy.RoutingCoreTransformer.SafeHeader("gpt-5\r\nX-Injected: yes"));
        Assert.Equal("gpt-5", RoutingCore.ReverseProxy.RoutingCoreTransformer.SafeHeader("gpt-5"));
    }

    [Fact]
    public async Task Models_ListsTheCatalog_ForAuthenticatedKeys()
    {
        using var response = await _client.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("list", doc.RootElement.GetProperty("object").GetString());
        Assert.Contains(doc.RootElement.GetProperty("data").EnumerateArray(), m => m.GetProperty("id").GetString() == "flux-auto");
    }

    [Fact]
    public async Task WithoutUpstreams_A502NamesTheMissingSetting()
    {
        var (app, client) = await StartGatewayAsync(null, new Dictionary<string, string?>());
        try
        {
            using var response = await client.PostAsync("/v1/chat/completions", Body("""{"model":"gpt-5","messages":[{"role":"user","content":"x"}]}"""));
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            Assert.Contains("Gateway:Upstreams:openai:BaseUrl", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private IBudgetLedger Ledger() => _gateway.Services.GetRequiredService<IBudgetLedger>();

    private string LedgerId(string key) => _gateway.Services.GetRequiredService<KeyAuthenticator>().All
        .Single(k => k.LedgerId == LedgerIdOf(key)).LedgerId;

    /// <summary>The ledger's id for a client key, as the tests state it: a hash of the key, never the key (the gateway must agree).</summary>
    internal static string LedgerIdOf(string key) =>
        "key-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16));
}
