using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RoutingCore.Gateway;

namespace RoutingCore.Tests.Gateway;

/// <summary>spec/gateway.md R-GW-28 (health endpoints) and R-GW-29 (start-up configuration errors).</summary>
public sealed class OperationsTests
{
    /// <summary>A 127.0.0.1 port nothing listens on (taken, then let go).</summary>
    internal static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public async Task LivenessAndReadiness_Answer200_WithoutAKey()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var (app, client) = await GatewayTests.StartGatewayAsync(upstream, []);
        try
        {
            client.DefaultRequestHeaders.Authorization = null;
            using var live = await client.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            using var ready = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            using var doc = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
            Assert.Equal("ready", doc.RootElement.GetProperty("status").GetString());
            Assert.Equal("ok", doc.RootElement.GetProperty("checks").GetProperty("ledger").GetProperty("status").GetString());
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Readiness_Is503NamingRedis_WhenTheConfiguredRedisIsUnreachable()
    {
        int port = ClosedPort();
        await using var upstream = await FakeUpstream.StartAsync();
        var (app, client) = await GatewayTests.StartGatewayAsync(upstream, new() { ["ConnectionStrings:Redis"] = $"127.0.0.1:{port},connectTimeout=200" });
        try
        {
            using var live = await client.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            using var ready = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            using var doc = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
            Assert.Equal("failing", doc.RootElement.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("Gateway:Upstreams:openai:BaseUrl", "not a url")]
    [InlineData("ReverseProxy:Clusters:openai:Destinations:d1:Address", "ftp://example.com/v1")]
    [InlineData("Gateway:Ledger", "Postgres")] // without ConnectionStrings:Budgets
    public async Task AConfigurationErrorAtStartUp_IsOneLineNamingTheKey_AndExitCode2(string key, string value)
    {
        var error = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20)); // a gateway that started anyway stops
        int code = await GatewayApp.RunAsync([], error, b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:0", [key] = value });
            b.Logging.ClearProviders();
        }, stop.Token);
        Assert.Equal(2, code);
        string text = error.ToString().TrimEnd();
        Assert.DoesNotContain('\n', text);
        Assert.Contains(key.Split(':')[^1], text, StringComparison.Ordinal);
        Assert.Contains(key[..key.LastIndexOf(':')], text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }
}

/// <summary>spec/gateway.md R-GW-30: telemetry a dashboard can use, read from the gateway's own /metrics.</summary>
public sealed class GatewayMetricsTests
{
    [Fact]
    public async Task Metrics_CarryErrorTypes_SecondBuckets_TheEngineMeter_AndTheServiceName()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var (app, client) = await GatewayTests.StartGatewayAsync(upstream, new()
        {
            ["Gateway:Telemetry:Prometheus"] = "true",
            ["Gateway:Keys:sk-test-team:Name"] = "team-a", // the test client's key, by its configured name
        });
        try
        {
            static StringContent Json(string s) => new(s, System.Text.Encoding.UTF8, "application/json");
            using (var ok = await client.PostAsync("/v1/chat/completions", Json("""{"model":"gpt-5","messages":[{"role":"user","content":"hi"}]}""")))
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            using (var bad = await client.PostAsync("/v1/chat/completions", Json("{not json")))
                Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            using (var unknown = await client.PostAsync("/v1/chat/completions", Json("""{"model":"gpt-99","messages":[{"role":"user","content":"hi"}]}""")))
            {
                Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
                string said = await unknown.Content.ReadAsStringAsync();
                Assert.Contains("'gpt-99'", said, StringComparison.Ordinal); // names the model and where the ids are
                Assert.Contains("/v1/models", said, StringComparison.Ordinal);
            }
            for (int i = 0; i < 4; i++) upstream.Script.Enqueue(FakeUpstream.Json(500, """{"error":{"message":"boom"}}"""));
            using (var failed = await client.PostAsync("/v1/chat/completions", Json("""{"model":"gpt-5","messages":[{"role":"user","content":"hi"}]}""")))
                Assert.True((int)failed.StatusCode >= 500, failed.StatusCode.ToString());
            using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json("{}") })
            {
                request.Headers.Authorization = null;
                using var noKey = await new HttpClient { BaseAddress = client.BaseAddress }.SendAsync(request);
                Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
            }

            string text = "";
            for (int i = 0; i < 20 && !text.Contains("error_type=\"invalid_api_key\"", StringComparison.Ordinal); i++)
            {
                await Task.Delay(i == 0 ? 0 : 250); // Prometheus caches a scrape briefly
                text = await client.GetStringAsync("/metrics");
            }
            foreach (var code in new[] { "invalid_json", "unknown_model", "invalid_api_key" })
                Assert.Contains($"error_type=\"{code}\"", text, StringComparison.Ordinal);
            Assert.Matches("gen_ai_client_operation_duration_seconds_bucket\\{[^}]*error_type=\"(5\\d\\d|upstream_unavailable)\"", text);
            // Bucket bounds in the metric's unit (seconds): at least five between 1 ms and 10 s.
            int bounds = new[] { "0.001", "0.005", "0.01", "0.05", "0.1", "0.5", "1", "5", "10" }
                .Count(b => text.Contains($"gen_ai_client_operation_duration_seconds_bucket{{", StringComparison.Ordinal) && text.Contains($"le=\"{b}\"", StringComparison.Ordinal));
            Assert.True(bounds >= 5, $"{bounds} second-scale bounds");
            Assert.Contains("routingcore_routes", text, StringComparison.Ordinal);
            // Spend per key, by the key's configured name, never the secret.
            Assert.Matches("routingcore_proxy_spend[^{]*\\{[^}]*routingcore_client=\"team-a\"", text);
            Assert.DoesNotContain("sk-test-team", text, StringComparison.Ordinal);
            Assert.DoesNotContain("unknown_service", text, StringComparison.Ordinal);
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}

/// <summary>spec/gateway.md R-GW-31: one log line per routed request at the default level.</summary>
public sealed class GatewayLogTests
{
    private sealed class Lines : ILoggerProvider
    {
        public readonly System.Collections.Concurrent.ConcurrentQueue<string> All = new();
        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
        public void Dispose() { }

        private sealed class Logger(Lines owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => owner.All.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
        }
    }

    [Fact]
    public async Task TwelveRoutedRequests_WriteAtMostTwelveLines_AtTheDefaultLevel()
    {
        var lines = new Lines();
        await using var upstream = await FakeUpstream.StartAsync();
        var (app, client) = await GatewayTests.StartGatewayAsync(upstream, [], services => services.AddSingleton<ILoggerProvider>(lines));
        try
        {
            lines.All.Clear(); // start-up lines aside
            for (int i = 0; i < 12; i++)
            {
                using var r = await client.PostAsync("/v1/chat/completions",
                    new StringContent("""{"model":"flux-auto","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            }
            await Task.Delay(100);
            var written = lines.All.Where(l => !l.StartsWith("Debug", StringComparison.Ordinal) && !l.StartsWith("Trace", StringComparison.Ordinal)).ToList();
            Assert.True(written.Count <= 12, string.Join("\n", written));
            Assert.Equal(12, written.Count(l => l.Contains("RoutingCore", StringComparison.Ordinal)));
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}

/// <summary>spec/gateway.md R-GW-20: with Redis unreachable the limits fail fast instead of waiting on every request.</summary>
public sealed class RedisFailFastTests
{
    [Fact]
    public async Task WithRedisUnreachable_OnlyTheFirstRequestWaitsForIt_TheRestAnswerByTheFailModeAtOnce()
    {
        int port = OperationsTests.ClosedPort();
        await using var upstream = await FakeUpstream.StartAsync();
        var (app, client) = await GatewayTests.StartGatewayAsync(upstream, new()
        {
            ["ConnectionStrings:Redis"] = $"127.0.0.1:{port},connectTimeout=200",
            ["Gateway:Keys:sk-test-team:RequestsPerMinute"] = "1000", // the test client's key
        });
        try
        {
            for (int i = 0; i < 10; i++)
            {
                using var r = await client.PostAsync("/v1/chat/completions",
                    new StringContent("""{"model":"gpt-5","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, r.StatusCode); // fail mode Open: admitted
            }
            // The first request found Redis down; within the back-off nobody asked it again (at most one probe after it).
            Assert.InRange(app.Services.GetRequiredService<RateLimits>().RedisCalls, 1, 2);
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}

/// <summary>spec/gateway.md R-GW-33: spend per key over HTTP, behind the admin key, never the secrets.</summary>
public sealed class GatewayAdminTests
{
    private static HttpRequestMessage Get(string path, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = key is null ? null : new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    [Fact]
    public async Task AdminKeys_ShowSpendBudgetAndLimitsByName_OnlyToTheAdminKey_AndNeverTheSecrets()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var (app, client) = await GatewayTests.StartGatewayAsync(upstream, new()
        {
            ["Gateway:AdminKey"] = "admin-secret-1",
            ["Gateway:Keys:sk-test-team:Name"] = "team-a",
        });
        try
        {
            using (var served = await client.PostAsync("/v1/chat/completions",
                new StringContent("""{"model":"gpt-5","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json")))
                Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            using var plain = new HttpClient { BaseAddress = client.BaseAddress };
            foreach (var key in new[] { null, "sk-test-team", "admin-secret-2" })
            {
                using var refused = await plain.SendAsync(Get("/admin/keys", key));
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }
            using var list = await plain.SendAsync(Get("/admin/keys", "admin-secret-1"));
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            string text = await list.Content.ReadAsStringAsync();
            Assert.DoesNotContain("sk-test-team", text, StringComparison.Ordinal);
            Assert.DoesNotContain("sk-tiny-budget", text, StringComparison.Ordinal);
            using var doc = JsonDocument.Parse(text);
            var team = doc.RootElement.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("name").GetString() == "team-a");
            Assert.Equal(100m, team.GetProperty("budget_usd").GetDecimal());
            Assert.True(team.GetProperty("spent_usd").GetDecimal() > 0);
            Assert.Equal(100m - team.GetProperty("spent_usd").GetDecimal() - team.GetProperty("reserved_usd").GetDecimal(), team.GetProperty("remaining_usd").GetDecimal());
            using var one = await plain.SendAsync(Get("/admin/keys/team-a", "admin-secret-1"));
            Assert.Equal(HttpStatusCode.OK, one.StatusCode);
            using var none = await plain.SendAsync(Get("/admin/keys/nobody", "admin-secret-1"));
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task WithoutAnAdminKey_TheAdminRoutesDoNotExist_AndOneEqualToAClientKeyIsAStartUpError()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var (app, client) = await GatewayTests.StartGatewayAsync(upstream, []);
        try
        {
            using var response = await client.GetAsync("/admin/keys");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
        var error = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        int code = await GatewayApp.RunAsync([], error, b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["urls"] = "http://127.0.0.1:0", ["Gateway:Keys:sk-same:BudgetUsd"] = "1", ["Gateway:AdminKey"] = "sk-same",
            });
            b.Logging.ClearProviders();
        }, stop.Token);
        Assert.Equal(2, code);
        Assert.Contains("Gateway:AdminKey", error.ToString(), StringComparison.Ordinal);
    }
}
