using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RoutingCore.Testing.Postgres;
using RoutingCore.Tests.Budgets;

namespace RoutingCore.Tests.Gateway;

/// <summary>spec/gateway.md R-GW-26: an auto alias downgrades to what the key's remaining budget covers instead of a 429.</summary>
public sealed class BudgetDowngradeTests
{
    private const string Ok = """{"id":"x","choices":[{"message":{"role":"assistant","content":"hi"}}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}""";

    /// <summary>Hard enough that flux-auto picks the most expensive model (an estimate of about 0.31 USD).</summary>
    private const string Hard = """{"model":"flux-auto","messages":[{"role":"user","content":"Design a globally distributed rate limiter for 2 M requests/s across five regions, prove it never admits more than the quota, and implement it."}]}""";

    private static HttpRequestMessage Post(string key, string json) => new(HttpMethod.Post, "/v1/chat/completions")
    {
        Content = new StringContent(json, Encoding.UTF8, "application/json"),
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) },
    };

    private static async Task Check(Dictionary<string, string?> ledger)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var settings = new Dictionary<string, string?>(ledger) { ["Gateway:Keys:sk-little-left:BudgetUsd"] = "0.05" };
        var (app, client) = await GatewayTests.StartGatewayAsync(upstream, settings);
        try
        {
            var engine = app.Services.GetRequiredService<IRoutingEngine>();
            var unbounded = engine.Route(Encoding.UTF8.GetBytes(Hard));
            Assert.True(unbounded.Estimate.CostUsd > 0.05m, $"{unbounded.ModelId} at {unbounded.Estimate.CostUsd}");
            var capped = engine.Route(Encoding.UTF8.GetBytes(Hard), new RouteContext { MaxCostUsd = 0.05m });

            // flux-auto: the best eligible model whose estimate fits what is left, and the header says so.
            upstream.Script.Enqueue(FakeUpstream.Json(200, Ok));
            using (var r = await client.SendAsync(Post("sk-little-left", Hard)))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.Equal(capped.ModelId, string.Join(",", r.Headers.GetValues("x-routingcore-model")));
                Assert.Contains($"{unbounded.ModelId} -> {capped.ModelId}", string.Join(",", r.Headers.GetValues("x-routingcore-downgraded")), StringComparison.Ordinal);
            }
            Assert.Single(upstream.Requests);

            // A pinned or direct id keeps its answer: 429 over_budget, nothing upstream.
            using (var r = await client.SendAsync(Post("sk-little-left", """{"model":"claude-opus-4-1","messages":[{"role":"user","content":"Design it."}]}""")))
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode);
                Assert.Contains("over_budget", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            // Nothing fits at all: over_budget for the alias too.
            using (var r = await client.SendAsync(Post("sk-tiny-budget", Hard)))
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode);
                using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
                Assert.Equal("over_budget", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
            }
            Assert.Single(upstream.Requests);
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public Task OnTheInMemoryLedger_AnAutoAliasDowngrades_PinnedAndDirectIdsDoNot() => Check([]);

    [PostgresFact]
    public async Task OnThePostgresLedger_AnAutoAliasDowngrades_PinnedAndDirectIdsDoNot()
    {
        using var pg = new PostgresServer();
        await Check(new() { ["Gateway:Ledger"] = "Postgres", ["ConnectionStrings:Budgets"] = pg.ConnectionString });
    }
}
