using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace RoutingCore.Tests.Gateway.Sdk;

/// <summary>Runs when <c>node</c> and the official <c>openai</c> npm package are there (<c>.ci/run</c> installs them).</summary>
public sealed class OfficialSdkFactAttribute : FactAttribute
{
    public static string? NodeModules => Environment.GetEnvironmentVariable("ROUTINGCORE_SDK_NODE_MODULES");

    public OfficialSdkFactAttribute()
    {
        if (NodeModules is not { } dir || !File.Exists(Path.Combine(dir, "openai", "package.json")) || !File.Exists(Path.Combine(dir, "@anthropic-ai", "sdk", "package.json")))
            Skip = "Needs node and the openai and @anthropic-ai/sdk npm packages: npm install --prefix /tmp/sdk openai@6 @anthropic-ai/sdk, then ROUTINGCORE_SDK_NODE_MODULES=/tmp/sdk/node_modules (.ci/run does this).";
    }
}

/// <summary>spec/gateway.md R-GW-18: the gateway as the official OpenAI JavaScript client sees it.</summary>
public sealed class OfficialSdkTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await FakeUpstream.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", "metering", name));

    private static string[] Events(string name) => Sample(name).Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e + "\n\n").ToArray();

    [OfficialSdkFact]
    public async Task TheOfficialOpenAIClient_StreamsChat_UsesTheResponsesApi_AndStopsOnOverBudget()
    {
        _upstream.Script.Enqueue(FakeUpstream.Sse(Events("openai-chat-stream.response.sse")));  // with the usage-only chunk
        _upstream.Script.Enqueue(FakeUpstream.Json(200, Sample("openai-responses.response.json")));
        _upstream.Script.Enqueue(FakeUpstream.Sse(Events("openai-responses-stream.response.sse")));
        _upstream.Script.Enqueue(FakeUpstream.Json(200, """{"created":1,"data":[{"url":"https://images.example.com/1.png"}]}"""));
        var hold = new TaskCompletionSource();
        var counting = Enumerable.Range(0, 20).Select(i => "data: " + JsonSerializer.Serialize(new { id = "c", choices = new[] { new { index = 0, delta = new { content = $"{i} " } } } }) + "\n\n").ToArray();
        _upstream.Script.Enqueue(FakeUpstream.Sse(counting, async i => { if (i == 2) await hold.Task.WaitAsync(TimeSpan.FromSeconds(30)); }));
        var (app, client) = await GatewayTests.StartGatewayAsync(_upstream, []);
        try
        {
            var results = await RunNodeAsync("openai-e2e.mjs", client);
            hold.TrySetResult();
            Assert.Equal(7, results.Count);
            Assert.Equal(1, results["images"].GetProperty("count").GetInt32());
            Assert.All(results.Values, r => Assert.True(r.GetProperty("ok").GetBoolean(), r.ToString()));
            Assert.Equal("Hello!", results["chat-stream"].GetProperty("text").GetString());
            Assert.Equal("Blue.", results["responses-create"].GetProperty("text").GetString());
            Assert.Equal("Hello!", results["responses-stream"].GetProperty("text").GetString());
            Assert.Equal(429, results["over-budget"].GetProperty("status").GetInt32());
            Assert.Equal("over_budget", results["over-budget"].GetProperty("code").GetString());
            Assert.True(results["models"].GetProperty("created").GetBoolean());
            Assert.Equal(5, _upstream.Requests.Count); // the over-budget call never went upstream

            // Every call settled, the abandoned stream included: charged for what it was served, nothing left reserved.
            var engine = app.Services.GetRequiredService<IRoutingEngine>();
            decimal image = engine.Route("""{"model":"flux-image","prompt":"A watercolor fox curled up asleep in a library"}"""u8).Estimate.CostUsd;
            decimal completed = 0.000065m + 0.001875m + 0.000065m + image; // chat stream, responses, responses stream, one image
            var ledger = app.Services.GetRequiredService<RoutingCore.Budgets.IBudgetLedger>();
            var id = GatewayTests.LedgerIdOf("sk-test-team");
            RoutingCore.Budgets.BudgetStatus status = default;
            for (int i = 0; i < 100 && ((status = await ledger.GetAsync(id)).ReservedUsd != 0 || status.SpentUsd <= completed); i++) await Task.Delay(50);
            Assert.Equal(0m, status.ReservedUsd);
            Assert.True(status.SpentUsd > completed, $"spent {status.SpentUsd}, completed calls {completed}: the cut stream was not charged");
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task<Dictionary<string, JsonElement>> RunNodeAsync(string script, HttpClient client)
    {
        var start = new ProcessStartInfo("node", Path.Combine(AppContext.BaseDirectory, "Gateway", "Sdk", script))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.Environment["NODE_PATH"] = OfficialSdkFactAttribute.NodeModules;
        start.Environment["GATEWAY_URL"] = client.BaseAddress!.ToString().TrimEnd('/');
        start.Environment["GATEWAY_KEY"] = "sk-test-team";
        start.Environment["TINY_KEY"] = "sk-tiny-budget";
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        Assert.True(node.WaitForExit(60_000), "node did not finish within 60 s");
        var results = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToDictionary(e => e.GetProperty("check").GetString()!);
        Assert.True(results.Count > 0, await stderr);
        return results;
    }

    [OfficialSdkFact]
    public async Task TheOfficialAnthropicClient_CreatesAndStreamsMessages_StopsOnOverBudget_AndACutStreamIsCharged()
    {
        _upstream.Script.Enqueue(FakeUpstream.Json(200, Sample("anthropic.response.json")));
        _upstream.Script.Enqueue(FakeUpstream.Sse(Events("anthropic-stream.response.sse")));
        // The stream the client abandons: held after its first text delta (message_start, block start, ping, delta).
        var hold = new TaskCompletionSource();
        _upstream.Script.Enqueue(FakeUpstream.Sse(Events("anthropic-stream.response.sse"), async i => { if (i == 3) await hold.Task.WaitAsync(TimeSpan.FromSeconds(30)); }));
        var (app, client) = await GatewayTests.StartGatewayAsync(_upstream, []);
        try
        {
            var results = await RunNodeAsync("anthropic-e2e.mjs", client);
            hold.TrySetResult();
            Assert.Equal(4, results.Count);
            Assert.All(results.Values, r => Assert.True(r.GetProperty("ok").GetBoolean(), r.ToString()));
            Assert.StartsWith("Chapter 3", results["messages-create"].GetProperty("text").GetString(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(results["messages-stream"].GetProperty("text").GetString()));
            Assert.Equal(429, results["over-budget"].GetProperty("status").GetInt32());
            Assert.Equal(3, _upstream.Requests.Count); // the over-budget call never went upstream, and was not retried there
            Assert.All(_upstream.Requests, r => Assert.EndsWith("/messages", r.Path, StringComparison.Ordinal));

            // Every call settled, the abandoned stream included: charged for what it was served, nothing left reserved.
            var engine = app.Services.GetRequiredService<IRoutingEngine>();
            var messages = new RouteContext { Endpoint = RequestEndpoint.Messages };
            var create = engine.Route("""{"model":"flux-pinned-claude-sonnet","max_tokens":100,"messages":[{"role":"user","content":"Summarise chapter 3."}]}"""u8, messages);
            var stream = engine.Route("""{"model":"flux-pinned-claude-sonnet","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Say hello."}]}"""u8, messages);
            decimal completed = UsageMeter.Meter(create, System.Text.Encoding.UTF8.GetBytes(Sample("anthropic.response.json"))).CostUsd
                + UsageMeter.Meter(stream, System.Text.Encoding.UTF8.GetBytes(Sample("anthropic-stream.response.sse"))).CostUsd;
            Assert.True(completed > 0);
            var ledger = app.Services.GetRequiredService<RoutingCore.Budgets.IBudgetLedger>();
            var id = GatewayTests.LedgerIdOf("sk-test-team");
            RoutingCore.Budgets.BudgetStatus status = default;
            for (int i = 0; i < 100 && ((status = await ledger.GetAsync(id)).ReservedUsd != 0 || status.SpentUsd <= completed); i++) await Task.Delay(50);
            Assert.Equal(0m, status.ReservedUsd);
            Assert.True(status.SpentUsd > completed, $"spent {status.SpentUsd}, completed calls {completed}: the cut stream was not charged");
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
