using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RoutingCore.Budgets;
using RoutingCore.Gateway;

namespace RoutingCore.Tests.Gateway;

/// <summary>spec/gateway.md R-GW-10..16: clients that leave, ledgers that fail, upstreams that hang, errors SDKs understand.</summary>
public sealed class GatewayMoneyTests : IAsyncLifetime
{
    private const string Key = "sk-test-team";
    private FakeUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await FakeUpstream.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<T> With<T>(FakeUpstream? upstream, Dictionary<string, string?> extra, Func<WebApplication, HttpClient, Task<T>> test)
    {
        var (app, client) = await GatewayTests.StartGatewayAsync(upstream, extra);
        try
        {
            return await test(app, client);
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task<BudgetStatus> Status(WebApplication app, string key)
    {
        var id = GatewayTests.LedgerIdOf(key);
        Assert.Contains(app.Services.GetRequiredService<KeyAuthenticator>().All, k => k.LedgerId == id);
        return await app.Services.GetRequiredService<IBudgetLedger>().GetAsync(id);
    }

    private static string[] Events(int count) =>
    [
        .. Enumerable.Range(0, count).Select(i => "data: " + JsonSerializer.Serialize(new { id = "c", choices = new[] { new { index = 0, delta = new { content = $"word{i} " } } } }) + "\n\n"),
        "data: [DONE]\n\n",
    ];

    [Fact]
    public async Task AClientThatLeavesMidStream_IsBilledForWhatWasServed_AndNothingStaysReserved()
    {
        var hold = new TaskCompletionSource();
        var events = Events(20);
        _upstream.Script.Enqueue(FakeUpstream.Sse(events, async i => { if (i == 9) await hold.Task.WaitAsync(TimeSpan.FromSeconds(20)); }));
        await With(_upstream, [], async (app, client) =>
        {
            using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Body("""{"model":"gpt-5","stream":true,"messages":[{"role":"user","content":"Count."}]}""") })
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                await using var stream = await response.Content.ReadAsStreamAsync();
                var buffer = new byte[8192];
                int seen = 0;
                while (seen < 10 * 40) { int n = await stream.ReadAsync(buffer); if (n == 0) break; seen += n; } // about ten events
            } // the client leaves here, before [DONE]
            hold.TrySetResult();
            BudgetStatus status = default;
            for (int i = 0; i < 100; i++)
            {
                status = await Status(app, Key);
                if (status.ReservedUsd == 0 && status.SpentUsd > 0) break;
                await Task.Delay(50);
            }
            Assert.Equal(0m, status.ReservedUsd);
            Assert.True(status.SpentUsd > 0, "a stream cut before [DONE] is not free");
            return 0;
        });
    }

    [Fact]
    public async Task AClientThatTimesOutBeforeTheAnswer_DoesNotLeaveItsReservationHeld()
    {
        var hang = new TaskCompletionSource();
        _upstream.Script.Enqueue(async c => await hang.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        await With(_upstream, [], async (app, client) =>
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(400));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                client.PostAsync("/v1/chat/completions", Body("""{"model":"gpt-5","messages":[{"role":"user","content":"x"}]}"""), cancel.Token));
            BudgetStatus status = default;
            for (int i = 0; i < 100 && (status = await Status(app, Key)).ReservedUsd != 0; i++) await Task.Delay(50);
            Assert.Equal(0m, status.ReservedUsd);
            hang.TrySetResult();
            return 0;
        });
    }

    [Fact]
    public async Task AnUpstreamThatNeverAnswers_TimesOut_AndTheNextModelServes()
    {
        var hang = new TaskCompletionSource();
        _upstream.Script.Enqueue(async c => await hang.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        await With(_upstream, new() { ["Gateway:FirstByteTimeout"] = "00:00:00.500" }, async (app, client) =>
        {
            using var response = await client.PostAsync("/v1/chat/completions", Body("""{"model":"flux-auto","messages":[{"role":"user","content":"hello"}]}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(2, _upstream.Requests.Count);
            hang.TrySetResult();
            return 0;
        });
    }

    [Fact]
    public async Task OverBudget_SaysNotToRetry_AndUpstreamRetryHintsAndRequestIdsReachTheClient()
    {
        await With(_upstream, [], async (app, client) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Body("""{"model":"gpt-5","messages":[{"role":"user","content":"x"}]}""") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-tiny-budget");
            using var refused = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("false", string.Join(",", refused.Headers.GetValues("x-should-retry")));

            _upstream.Script.Enqueue(async c =>
            {
                c.Response.StatusCode = 200;
                c.Response.Headers["x-request-id"] = "req_123";
                c.Response.Headers["x-ratelimit-remaining-requests"] = "41";
                c.Response.ContentType = "application/json";
                await c.Response.WriteAsync("""{"id":"x","choices":[{"message":{"role":"assistant","content":"hi"}}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}""");
            });
            using var served = await client.PostAsync("/v1/chat/completions", Body("""{"model":"gpt-5","messages":[{"role":"user","content":"x"}]}"""));
            Assert.Equal("req_123", string.Join(",", served.Headers.GetValues("x-request-id")));
            Assert.Equal("41", string.Join(",", served.Headers.GetValues("x-ratelimit-remaining-requests")));

            for (int i = 0; i < 6; i++)
            {
                _upstream.Script.Enqueue(async c =>
                {
                    c.Response.StatusCode = 429;
                    c.Response.Headers["retry-after"] = "7";
                    c.Response.ContentType = "application/json";
                    await c.Response.WriteAsync("""{"error":{"message":"slow down","type":"rate_limit_error"}}""");
                });
            }
            using var limited = await client.PostAsync("/v1/chat/completions", Body("""{"model":"flux-auto","messages":[{"role":"user","content":"x"}]}"""));
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            Assert.Equal("7", string.Join(",", limited.Headers.GetValues("retry-after")));
            return 0;
        });
    }

    /// <summary>A ledger whose every call fails as a database outage would.</summary>
    private sealed class DownLedger : IBudgetLedger
    {
        public int Calls;
        private static InvalidOperationException Down() => new("connection refused (the ledger's database is down)");
        public ValueTask<BudgetReservation> ReserveAsync(string key, decimal estimatedUsd, CancellationToken cancellationToken = default) { Interlocked.Increment(ref Calls); throw Down(); }
        public ValueTask<bool> SettleAsync(BudgetReservation reservation, decimal actualUsd, CancellationToken cancellationToken = default) => throw Down();
        public ValueTask<bool> ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken = default) => throw Down();
        public ValueTask<BudgetStatus> GetAsync(string key, CancellationToken cancellationToken = default) => throw Down();
        public ValueTask SetLimitAsync(string key, decimal limitUsd, BudgetPeriod period, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task ALedgerOutage_Is503LedgerUnavailable_WithRetryAfter_InTheEndpointsShape()
    {
        var down = new DownLedger();
        var (app, client) = await GatewayTests.StartGatewayAsync(_upstream, [], services => services.AddSingleton<IBudgetLedger>(down));
        try
        {
            for (int i = 0; i < 3; i++)
            {
                using var response = await client.PostAsync("/v1/chat/completions", Body("""{"model":"gpt-5","messages":[{"role":"user","content":"x"}]}"""));
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal("5", string.Join(",", response.Headers.GetValues("retry-after")));
                using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Assert.Equal("ledger_unavailable", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
            }
            Assert.Equal(3, down.Calls);
            Assert.Empty(_upstream.Requests); // nothing is served unbudgeted
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task UnknownRoutes_GetAJson404_AndTheModelsListCarriesCreated()
    {
        await With(_upstream, [], async (app, client) =>
        {
            foreach (var path in new[] { "/v1/embeddings", "/v1/models/no-such-model" })
            {
                using var response = path.StartsWith("/v1/models", StringComparison.Ordinal) ? await client.GetAsync(path) : await client.PostAsync(path, Body("{}"));
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
                Assert.NotEqual(0, (await response.Content.ReadAsStringAsync()).Length);
            }
            using var models = await client.GetAsync("/v1/models");
            using var doc = JsonDocument.Parse(await models.Content.ReadAsStringAsync());
            Assert.All(doc.RootElement.GetProperty("data").EnumerateArray(),
                m => Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), m.GetProperty("created").GetInt64()));
            return 0;
        });
    }

    [Fact]
    public async Task ModelsRetrieve_AnswersTheEntryTheListHas_AndAnUnknownIdIsAJson404NamingIt()
    {
        await With(_upstream, [], async (app, client) =>
        {
            using var list = JsonDocument.Parse(await (await client.GetAsync("/v1/models")).Content.ReadAsStringAsync());
            foreach (var id in new[] { "gpt-5", "flux-auto", "claude-haiku-4-5" })
            {
                var listed = list.RootElement.GetProperty("data").EnumerateArray().Single(m => m.GetProperty("id").GetString() == id);
                using var one = await client.GetAsync("/v1/models/" + id);
                Assert.Equal(HttpStatusCode.OK, one.StatusCode);
                Assert.Equal(listed.GetRawText(), await one.Content.ReadAsStringAsync());
            }
            foreach (var post in new[] { "/v1/chat/completions", "/anthropic/v1/messages" })
            {
                using var get = await client.GetAsync(post);
                Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
                Assert.Equal("POST", string.Join(",", get.Content.Headers.Allow));
            }
            using var missing = await client.GetAsync("/v1/models/gpt-99");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            string text = await missing.Content.ReadAsStringAsync();
            Assert.Contains("gpt-99", text, StringComparison.Ordinal);
            Assert.Contains("/v1/models", text, StringComparison.Ordinal);
            return 0;
        });
    }

    [Fact]
    public async Task CountTokens_IsForwardedToAnAnthropicUpstream_ElseAnsweredFromTheEnginesCount_SayingWhich()
    {
        await With(_upstream, [], async (app, client) =>
        {
            var engine = app.Services.GetRequiredService<IRoutingEngine>();
            const string claude = """{"model":"claude-haiku-4-5","max_tokens":100,"messages":[{"role":"user","content":"Hello there, how are you today?"}]}""";

            // An Anthropic model: the upstream's own count, relayed, with the body rewritten to the upstream id.
            int before = _upstream.Requests.Count;
            _upstream.Script.Enqueue(FakeUpstream.Json(200, """{"input_tokens":4242}"""));
            using (var response = await client.PostAsync("/anthropic/v1/messages/count_tokens", Body(claude)))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("upstream", string.Join(",", response.Headers.GetValues("x-routingcore-token-count")));
                using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Assert.Equal(4242, doc.RootElement.GetProperty("input_tokens").GetInt64());
            }
            var sent = _upstream.Requests.ToArray()[before];
            Assert.EndsWith("/messages/count_tokens", sent.Path, StringComparison.Ordinal);
            Assert.True(sent.Headers.ContainsKey("x-api-key"));
            var model = engine.Catalog.Models.Single(m => m.Id == "claude-haiku-4-5");
            Assert.Contains($"\"{(string.IsNullOrEmpty(model.UpstreamModel) ? model.Id : model.UpstreamModel)}\"", Encoding.UTF8.GetString(sent.Body), StringComparison.Ordinal);

            // The upstream does not serve it: the engine's own count, and the header says which.
            _upstream.Script.Enqueue(FakeUpstream.Json(404, """{"type":"error","error":{"type":"not_found_error","message":"no"}}"""));
            using (var response = await client.PostAsync("/anthropic/v1/messages/count_tokens", Body(claude)))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                var expected = engine.Route(Encoding.UTF8.GetBytes(claude), new RouteContext { Endpoint = RequestEndpoint.Messages });
                Assert.Equal(expected.Estimate.InputTokens, doc.RootElement.GetProperty("input_tokens").GetInt64());
                Assert.Contains(string.Join(",", response.Headers.GetValues("x-routingcore-token-count")), new[] { "exact", "estimated" });
            }

            using var bad = await client.PostAsync("/anthropic/v1/messages/count_tokens", Body("""{"model":"no-such","messages":[]}"""));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("unknown_model", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            return 0;
        });
    }

    [Fact]
    public async Task AnOverSizeUpload_WrittenWhole_GetsTheJson413_EveryTime()
    {
        // What the official SDKs do: write the whole body (17 MiB, with Content-Length), then read the answer. The
        // gateway drains it (up to Gateway:OversizeDrainBytes) before the 413, so no try ends in a broken pipe.
        await With(_upstream, new() { ["Gateway:MaxBodyBytes"] = "1048576" }, async (app, client) =>
        {
            var big = new byte[17 * 1024 * 1024];
            "{\"model\":\"gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\""u8.CopyTo(big);
            big.AsSpan(60).Fill((byte)'a');
            for (int i = 0; i < 10; i++)
            {
                var content = new ByteArrayContent(big);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await client.PostAsync("/v1/chat/completions", content);
                Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
                using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Assert.Equal("request_too_large", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
            }
            Assert.Empty(_upstream.Requests);
            return 0;
        });
    }

    [Theory]
    [InlineData(1000, HttpStatusCode.OK)]
    [InlineData(1001, HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(50_000, HttpStatusCode.RequestEntityTooLarge)]
    public async Task AChunkedBody_IsAcceptedUpToTheLimit_AndAboveItGetsAJson413(int size, HttpStatusCode expected)
    {
        await With(_upstream, new() { ["Gateway:MaxBodyBytes"] = "1000" }, async (app, client) =>
        {
            string prefix = "{\"model\":\"gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"", suffix = "\"}]}";
            string json = prefix + new string('a', size - prefix.Length - suffix.Length) + suffix;
            Assert.Equal(size, Encoding.UTF8.GetByteCount(json));
            var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json))); // no Content-Length: chunked
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync("/v1/chat/completions", content);
            Assert.Equal(expected, response.StatusCode);
            if (expected == HttpStatusCode.RequestEntityTooLarge)
            {
                using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Assert.Equal("request_too_large", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
            }
            return 0;
        });
    }

    [Fact]
    public async Task TheDevelopmentKey_ExistsOnlyInDevelopment()
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "samples", "RoutingCore.Gateway"));
        using var production = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "appsettings.json")));
        Assert.Empty(production.RootElement.GetProperty("Gateway").GetProperty("Keys").EnumerateObject());
        using var development = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "appsettings.Development.json")));
        Assert.True(development.RootElement.GetProperty("Gateway").GetProperty("Keys").TryGetProperty("sk-local-dev", out _));
        await Task.CompletedTask;
    }
}

internal static class GatewayTestConfiguration
{
    public static void AddInMemoryCollectionForTests(this Microsoft.Extensions.Configuration.IConfigurationBuilder configuration, FakeUpstream upstream, string key)
    {
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            [$"Gateway:Keys:{key}:BudgetUsd"] = "100",
        };
        foreach (var p in new[] { "openai", "anthropic", "google", "bfl", "flexai" })
        {
            settings[$"Gateway:Upstreams:{p}:BaseUrl"] = $"{upstream.BaseUrl}/{p}/v1";
            settings[$"Gateway:Upstreams:{p}:ApiKey"] = $"upstream-secret-{p}";
        }
        Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(configuration, settings);
    }
}

public sealed class InjectedUsageTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await FakeUpstream.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private static string[] Stream() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", "metering", "openai-chat-stream.response.sse"))
        .Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e + "\n\n").ToArray();

    [Fact]
    public async Task AClientThatAskedForUsage_GetsTheUsageChunk()
    {
        _upstream.Script.Enqueue(FakeUpstream.Sse(Stream()));
        var (app, client) = await GatewayTests.StartGatewayAsync(_upstream, []);
        try
        {
            string json = """{"model":"gpt-5","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Say hello."}]}""";
            using var response = await client.PostAsync("/v1/chat/completions", new StringContent(json, Encoding.UTF8, "application/json"));
            Assert.Equal(string.Concat(Stream()), await response.Content.ReadAsStringAsync());
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public void TheFilter_DropsOnlyTheUsageOnlyEvent_WhateverTheChunking_Meets_Specification()
    {
        var events = Stream();
        var whole = Encoding.UTF8.GetBytes(string.Concat(events));
        var expected = string.Concat(events.Where(e => !e.Contains("\"choices\":[]", StringComparison.Ordinal)));
        var gen = Gen.ListOf(Gen.Choose(0, whole.Length)).Select(cuts => cuts.Order().ToArray());
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), Prop.ForAll(gen.ToArbitrary(), cuts =>
        {
            using var filter = new RoutingCore.ReverseProxy.InjectedUsageFilter();
            var output = new System.Buffers.ArrayBufferWriter<byte>();
            int at = 0;
            foreach (int cut in cuts.Append(whole.Length))
            {
                filter.Process(whole.AsSpan(at, cut - at), output);
                at = cut;
            }
            filter.Flush(output);
            Assert.Equal(expected, Encoding.UTF8.GetString(output.WrittenSpan));
        }));
        Assert.False(RoutingCore.ReverseProxy.InjectedUsageFilter.IsUsageOnly("data: {\"choices\":[{\"index\":0}],\"usage\":{\"total_tokens\":1}}\n\n"u8));
        Assert.False(RoutingCore.ReverseProxy.InjectedUsageFilter.IsUsageOnly("data: [DONE]\n\n"u8));
        Assert.True(RoutingCore.ReverseProxy.InjectedUsageFilter.IsUsageOnly("data: {\"usage\":{\"total_tokens\":1},\"choices\":[]}\r\n\r\n"u8));
    }
}

public sealed class LedgerRecoveryTests : IAsyncLifetime
{
    private const string Key = "sk-test-team";
    private FakeUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await FakeUpstream.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    /// <summary>The in-process ledger behind a switch that makes every call fail as an unreachable database would.</summary>
    private sealed class SwitchedLedger(IBudgetLedger inner) : IBudgetLedger
    {
        public volatile bool Down;
        private T Check<T>(T value) => Down ? throw new InvalidOperationException("connection refused") : value;
        public ValueTask<BudgetReservation> ReserveAsync(string key, decimal estimatedUsd, CancellationToken c = default) => Down ? throw new TimeoutException() : inner.ReserveAsync(key, estimatedUsd, c);
        public ValueTask<bool> SettleAsync(BudgetReservation r, decimal actualUsd, CancellationToken c = default) => Check(0) == 0 ? inner.SettleAsync(r, actualUsd, c) : default;
        public ValueTask<bool> ReleaseAsync(BudgetReservation r, CancellationToken c = default) => Check(0) == 0 ? inner.ReleaseAsync(r, c) : default;
        public ValueTask<BudgetStatus> GetAsync(string key, CancellationToken c = default) => inner.GetAsync(key, c);
        public ValueTask SetLimitAsync(string key, decimal limitUsd, BudgetPeriod period, CancellationToken c = default) => Check(0) == 0 ? inner.SetLimitAsync(key, limitUsd, period, c) : default;
    }

    private async Task<(WebApplication, HttpClient, SwitchedLedger)> StartAsync(bool downAtStart, Dictionary<string, string?>? extra = null)
    {
        var ledger = new SwitchedLedger(new InMemoryBudgetLedger()) { Down = downAtStart };
        var app = GatewayApp.Create([], b =>
        {
            b.Configuration.AddInMemoryCollectionForTests(_upstream, Key);
            Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(b.Configuration, new Dictionary<string, string?>
            {
                ["Gateway:SettlementRetryInterval"] = "00:00:00.100",
                ["Gateway:Keys:sk-max-output:BudgetUsd"] = "0.5",
                ["Gateway:Keys:sk-max-output:Reserve"] = "MaxOutput",
            }.Concat(extra ?? []));
            b.Services.AddSingleton<IBudgetLedger>(ledger);
            b.Logging.ClearProviders();
        });
        await GatewayApp.InitializeAsync(app); // must not throw with the ledger down
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return (app, client, ledger);
    }

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task ASettlementTheLedgerCannotTake_IsRetriedUntilItIsBilled()
    {
        var (app, client, ledger) = await StartAsync(downAtStart: false);
        try
        {
            var release = new TaskCompletionSource();
            _upstream.Script.Enqueue(async c =>
            {
                await release.Task.WaitAsync(TimeSpan.FromSeconds(20)); // the ledger dies while the provider answers
                c.Response.ContentType = "application/json";
                await c.Response.WriteAsync("""{"id":"x","choices":[{"message":{"role":"assistant","content":"hi"}}],"usage":{"prompt_tokens":1000,"completion_tokens":100,"total_tokens":1100}}""");
            });
            var call = client.PostAsync("/v1/chat/completions", Body("""{"model":"gpt-5","messages":[{"role":"user","content":"x"}]}"""));
            for (int i = 0; i < 100 && _upstream.Requests.IsEmpty; i++) await Task.Delay(20);
            ledger.Down = true;
            release.SetResult();
            using var response = await call;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode); // served in full
            var pending = app.Services.GetRequiredService<RoutingCore.ReverseProxy.PendingSettlements>();
            Assert.Equal(1, pending.Count);
            Assert.Equal(0m, (await ledger.GetAsync(GatewayTests.LedgerIdOf(Key))).SpentUsd);
            ledger.Down = false;
            for (int i = 0; i < 100 && pending.Count > 0; i++) await Task.Delay(50);
            var status = await ledger.GetAsync(GatewayTests.LedgerIdOf(Key));
            Assert.Equal(1000 * 1.25m / 1_000_000 + 100 * 10m / 1_000_000, status.SpentUsd); // gpt-5: the metered usage
            Assert.Equal(0m, status.ReservedUsd);
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task TheGatewayStartsWithTheLedgerDown_Answers503_AndAppliesBudgetsOnceItIsBack()
    {
        var (app, client, ledger) = await StartAsync(downAtStart: true);
        try
        {
            using (var response = await client.PostAsync("/v1/chat/completions", Body("""{"model":"gpt-5","messages":[{"role":"user","content":"x"}]}""")))
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            ledger.Down = false;
            BudgetStatus status = default;
            for (int i = 0; i < 100 && (status = await ledger.GetAsync(GatewayTests.LedgerIdOf(Key))).LimitUsd is null; i++) await Task.Delay(50);
            Assert.Equal(100m, status.LimitUsd);
            using var served = await client.PostAsync("/v1/chat/completions", Body("""{"model":"gpt-5","messages":[{"role":"user","content":"x"}]}"""));
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task ReserveMaxOutput_HoldsTheModelsOutputLimit_WhenTheRequestSetsNone()
    {
        var (app, client, ledger) = await StartAsync(downAtStart: false);
        try
        {
            // gpt-5: 4,096 default output tokens ($0.041) fit a $0.50 budget; its 128,000-token limit ($1.28) does not.
            var engine = app.Services.GetRequiredService<IRoutingEngine>();
            var open = engine.Route("""{"model":"gpt-5","messages":[{"role":"user","content":"x"}]}"""u8);
            var capped = engine.Route("""{"model":"gpt-5","max_tokens":1000,"messages":[{"role":"user","content":"x"}]}"""u8);
            Assert.Null(open.RequestedMaxTokens);
            Assert.Equal(1000, capped.RequestedMaxTokens);
            Assert.Equal(open.Estimate.CostUsd + (128_000 - 4096) * 10m / 1_000_000, RoutingCore.ReverseProxy.RoutingCoreProxy.ReserveAmount(open, RoutingCore.ReverseProxy.ReserveMode.MaxOutput));
            Assert.Equal(capped.Estimate.CostUsd, RoutingCore.ReverseProxy.RoutingCoreProxy.ReserveAmount(capped, RoutingCore.ReverseProxy.ReserveMode.MaxOutput));
            Assert.Equal(open.Estimate.CostUsd, RoutingCore.ReverseProxy.RoutingCoreProxy.ReserveAmount(open, RoutingCore.ReverseProxy.ReserveMode.Estimate));

            using var refuse = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Body("""{"model":"gpt-5","messages":[{"role":"user","content":"x"}]}""") };
            refuse.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-max-output");
            using (var response = await client.SendAsync(refuse)) Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            using var allow = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Body("""{"model":"gpt-5","max_tokens":1000,"messages":[{"role":"user","content":"x"}]}""") };
            allow.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-max-output");
            using (var response = await client.SendAsync(allow)) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}

public sealed class GatewayResponsesTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await FakeUpstream.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task ResponsesRequest_GoesToTheResponsesPath_AndIsMetered()
    {
        string sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", "metering", name));
        _upstream.Script.Enqueue(FakeUpstream.Json(200, sample("openai-responses.response.json")));
        _upstream.Script.Enqueue(FakeUpstream.Sse(sample("openai-responses-stream.response.sse").Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e + "\n\n").ToArray()));
        var (app, client) = await GatewayTests.StartGatewayAsync(_upstream, []);
        try
        {
            string json = """{"model":"gpt-5","input":"What colour is the sky?","max_output_tokens":300}""";
            using var response = await client.PostAsync("/v1/responses", new StringContent(json, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var seen = Assert.Single(_upstream.Requests);
            Assert.Equal("/openai/v1/responses", seen.Path);
            Assert.Equal(json, Encoding.UTF8.GetString(seen.Body)); // gpt-5's upstream id is gpt-5: nothing changed
            var ledger = app.Services.GetRequiredService<IBudgetLedger>();
            var id = GatewayTests.LedgerIdOf("sk-test-team");
            Assert.Equal(0.001875m, (await ledger.GetAsync(id)).SpentUsd);

            using var streamed = await client.PostAsync("/v1/responses", new StringContent("""{"model":"gpt-5","input":"Say hello.","stream":true}""", Encoding.UTF8, "application/json"));
            Assert.Contains("response.completed", await streamed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(0.001875m + 0.000065m, (await ledger.GetAsync(id)).SpentUsd);

            using var rejected = await client.PostAsync("/v1/responses", new StringContent("""{"model":"claude-sonnet-4-5","input":"hi"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
            using var doc = JsonDocument.Parse(await rejected.Content.ReadAsStringAsync());
            Assert.Equal("endpoint_not_supported", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}

public sealed class GatewayHealthTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await FakeUpstream.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private const string Ok = """{"id":"x","choices":[{"message":{"role":"assistant","content":"hi"}}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}""";

    [Fact]
    public async Task AProviderThatKeepsFailing_CoolsDown_AndLaterRequestsGoStraightToTheNextModel()
    {
        var (app, client) = await GatewayTests.StartGatewayAsync(_upstream, new() { ["Gateway:Health:FailureThreshold"] = "2" });
        try
        {
            string json = """{"model":"flux-auto","messages":[{"role":"user","content":"say hello"}]}""";
            var first = app.Services.GetRequiredService<IRoutingEngine>().Route(Encoding.UTF8.GetBytes(json));
            string failing = first.Model!.Provider;
            for (int i = 0; i < 2; i++)
            {
                _upstream.Script.Enqueue(FakeUpstream.Json(503, """{"error":{"message":"overloaded","type":"server_error"}}"""));
                _upstream.Script.Enqueue(FakeUpstream.Json(200, Ok));
                using var served = await client.PostAsync("/v1/chat/completions", new StringContent(json, Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            }
            Assert.Equal(4, _upstream.Requests.Count); // each paid the failed attempt
            _upstream.Script.Enqueue(FakeUpstream.Json(200, Ok));
            using var third = await client.PostAsync("/v1/chat/completions", new StringContent(json, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, third.StatusCode);
            var requests = _upstream.Requests.ToArray();
            Assert.Equal(5, requests.Length); // the cooling provider was not tried
            Assert.DoesNotContain($"/{failing}/", requests[4].Path, StringComparison.Ordinal);
            Assert.NotEqual(first.ModelId, string.Join(",", third.Headers.GetValues("x-routingcore-model")));
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}

public sealed class GatewayRateLimitTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await FakeUpstream.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    /// <summary>A clock the test moves (30 s into a minute to start).</summary>
    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now = new(2026, 12, 1, 12, 0, 30, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static HttpRequestMessage Request(string key) => new(HttpMethod.Post, "/v1/chat/completions")
    {
        Content = new StringContent("""{"model":"gpt-5","max_tokens":10,"messages":[{"role":"user","content":"x"}]}""", Encoding.UTF8, "application/json"),
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) },
    };

    [Fact]
    public async Task AKeysRequestAndTokenRates_AreEnforced_With429RateLimitedAndRetryAfter()
    {
        var time = new ManualTime();
        var app = GatewayApp.Create([], b =>
        {
            b.Configuration.AddInMemoryCollectionForTests(_upstream, "sk-test-team");
            Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(b.Configuration, new Dictionary<string, string?>
            {
                ["Gateway:Keys:sk-rpm:RequestsPerMinute"] = "2",
                ["Gateway:Keys:sk-tpm:TokensPerMinute"] = "30",
            });
            b.Services.AddSingleton<TimeProvider>(time);
            b.Logging.ClearProviders();
        });
        await GatewayApp.InitializeAsync(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        try
        {
            using (var r = await client.SendAsync(Request("sk-rpm"))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            using (var r = await client.SendAsync(Request("sk-rpm"))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            using (var limited = await client.SendAsync(Request("sk-rpm")))
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
                Assert.Equal("30", string.Join(",", limited.Headers.GetValues("retry-after"))); // the rest of this minute
                // OpenAI's rate-limit headers, which the official SDKs read.
                Assert.Equal("2", string.Join(",", limited.Headers.GetValues("x-ratelimit-limit-requests")));
                Assert.Equal("0", string.Join(",", limited.Headers.GetValues("x-ratelimit-remaining-requests")));
                Assert.Equal("30s", string.Join(",", limited.Headers.GetValues("x-ratelimit-reset-requests")));
                using var doc = JsonDocument.Parse(await limited.Content.ReadAsStringAsync());
                Assert.Equal("rate_limited", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
            }
            Assert.Equal(2, _upstream.Requests.Count);
            time.Now += TimeSpan.FromSeconds(31); // the next minute
            using (var r = await client.SendAsync(Request("sk-rpm"))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);

            // 30 tokens per minute, each request estimated at 18 (8 in, 10 out) and metered at 12 (the upstream's usage):
            // the second fits only because the first was corrected to what it used; the third does not fit.
            using (var first = await client.SendAsync(Request("sk-tpm"))) Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            using (var second = await client.SendAsync(Request("sk-tpm"))) Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            using var third = await client.SendAsync(Request("sk-tpm"));
            Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
            Assert.Contains("tokens per minute", await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal("30", string.Join(",", third.Headers.GetValues("x-ratelimit-limit-tokens")));
            Assert.Equal(5, _upstream.Requests.Count);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}

public sealed class FrozenLedgerTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await FakeUpstream.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    /// <summary>A ledger that never answers a reservation, as a frozen database does (until the caller gives up).</summary>
    private sealed class FrozenLedger : IBudgetLedger
    {
        public async ValueTask<BudgetReservation> ReserveAsync(string key, decimal estimatedUsd, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
        public ValueTask<bool> SettleAsync(BudgetReservation reservation, decimal actualUsd, CancellationToken cancellationToken = default) => ValueTask.FromResult(true);
        public ValueTask<bool> ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken = default) => ValueTask.FromResult(true);
        public ValueTask<BudgetStatus> GetAsync(string key, CancellationToken cancellationToken = default) => default;
        public ValueTask SetLimitAsync(string key, decimal limitUsd, BudgetPeriod period, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task AFrozenLedger_Gives503AfterTheLedgerTimeout_NotAHang()
    {
        var (app, client) = await GatewayTests.StartGatewayAsync(_upstream, new() { ["Gateway:LedgerTimeout"] = "00:00:00.300" },
            services => services.AddSingleton<IBudgetLedger>(new FrozenLedger()));
        try
        {
            using var response = await client.PostAsync("/v1/chat/completions", new StringContent("""{"model":"gpt-5","messages":[{"role":"user","content":"x"}]}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("ledger_unavailable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Empty(_upstream.Requests);
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
