using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using RoutingCore.Redis;
using RoutingCore.Tests.Gateway;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace RoutingCore.Tests.Redis;

/// <summary>spec/gateway.md R-GW-20: per-key limits across instances on a real Redis.</summary>
public sealed class RedisLimitTests
{
    private static HttpRequestMessage Request(string key) => new(HttpMethod.Post, "/v1/chat/completions")
    {
        Content = new StringContent("""{"model":"gpt-5","max_tokens":10,"messages":[{"role":"user","content":"x"}]}""", Encoding.UTF8, "application/json"),
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) },
    };

    /// <summary>Both instances read the same fixed moment, 30 s into a minute: every call falls in one window.</summary>
    private sealed class FixedTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2026, 12, 1, 12, 0, 30, TimeSpan.Zero);
    }

    private static async Task<(WebApplication App, HttpClient Client)> Start(FakeUpstream upstream, RedisServer redis, string failMode = "Open") =>
        await GatewayTests.StartGatewayAsync(upstream, new()
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Gateway:Keys:sk-shared:RequestsPerMinute"] = "5",
            ["Gateway:Limits:FailMode"] = failMode,
        }, s => s.AddSingleton<TimeProvider>(new FixedTime()));

    [RedisFact]
    public async Task ALimitOfNPerMinute_AdmitsAtMostN_AcrossTwoInstances_UnderConcurrency()
    {
        using var redis = new RedisServer();
        await using var upstream = await FakeUpstream.StartAsync();
        var (app1, client1) = await Start(upstream, redis);
        var (app2, client2) = await Start(upstream, redis);
        try
        {
            var calls = Enumerable.Range(0, 24).Select(async i =>
            {
                using var r = await (i % 2 == 0 ? client1 : client2).SendAsync(Request("sk-shared"));
                return r.StatusCode;
            });
            var statuses = await Task.WhenAll(calls);
            int ok = statuses.Count(s => s == HttpStatusCode.OK);
            Assert.Equal(5, ok); // exactly N across both instances, however the 24 concurrent calls interleave
            Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, s.ToString()));
            Assert.Equal(ok, upstream.Requests.Count);
        }
        finally
        {
            foreach (var c in new[] { client1, client2 }) c.Dispose();
            foreach (var a in new[] { app1, app2 }) { await a.StopAsync(); await a.DisposeAsync(); }
        }
    }

    [RedisFact]
    public async Task RedisKilledMidRun_FailsOpenByDefault_AndClosedRefusesClearly_NeverA500()
    {
        using var redis = new RedisServer();
        await using var upstream = await FakeUpstream.StartAsync();
        var (open, openClient) = await Start(upstream, redis, "Open");
        var (closed, closedClient) = await Start(upstream, redis, "Closed");
        try
        {
            using (var r = await openClient.SendAsync(Request("sk-shared"))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            redis.Kill();
            var started = DateTime.UtcNow;
            for (int i = 0; i < 3; i++)
            {
                using var r = await openClient.SendAsync(Request("sk-shared"));
                Assert.Equal(HttpStatusCode.OK, r.StatusCode); // admitted: fail open
            }
            using var refused = await closedClient.SendAsync(Request("sk-shared"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            using var doc = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
            Assert.Equal("limits_unavailable", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
            Assert.True(refused.Headers.Contains("retry-after"));
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), "no request hung on the dead Redis");
        }
        finally
        {
            foreach (var c in new[] { openClient, closedClient }) c.Dispose();
            foreach (var a in new[] { open, closed }) { await a.StopAsync(); await a.DisposeAsync(); }
        }
    }

    [RedisFact]
    public async Task Tokens_AreCountedAtTheEstimate_AndCorrectedToTheMeteredUsage()
    {
        using var redis = new RedisServer();
        using var mux = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var limiter = new RedisRateLimiter(mux);
        var first = await limiter.TryAdmitAsync("k", null, 100, 60);
        Assert.True(first.Admitted);
        Assert.False((await limiter.TryAdmitAsync("k", null, 100, 60)).Admitted); // 60 + 60 > 100
        await limiter.CorrectAsync("k", first.Window, 60, 20);                    // it used 20
        var third = await limiter.TryAdmitAsync("k", null, 100, 60);               // 20 + 60 <= 100
        Assert.True(third.Admitted || third.Window != first.Window);
        var refused = await limiter.TryAdmitAsync("k2", 1, null, 1) is { Admitted: true } ? await limiter.TryAdmitAsync("k2", 1, null, 1) : default;
        Assert.False(refused.Admitted);
        Assert.Equal("requests per minute", refused.Limit);
        Assert.InRange(refused.RetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
    }
}

/// <summary>spec/health.md R-HEALTH-6: the health view shared across instances on a real Redis.</summary>
public sealed class RedisSharedHealthTests
{
    private const string Ok = """{"id":"x","choices":[{"message":{"role":"assistant","content":"hi"}}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}""";

    [RedisFact]
    public async Task AfterInstanceOneSeesAProviderFail_InstanceTwoRoutesAroundItWithoutTryingIt()
    {
        using var redis = new RedisServer();
        await using var upstream = await FakeUpstream.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Gateway:Health:FailureThreshold"] = "1",
            ["Gateway:Health:SharedRefresh"] = "00:00:00.050",
        };
        var (app1, client1) = await GatewayTests.StartGatewayAsync(upstream, settings);
        var (app2, client2) = await GatewayTests.StartGatewayAsync(upstream, settings);
        try
        {
            string json = """{"model":"flux-auto","messages":[{"role":"user","content":"say hello"}]}""";
            var first = app1.Services.GetRequiredService<IRoutingEngine>().Route(Encoding.UTF8.GetBytes(json));
            upstream.Script.Enqueue(FakeUpstream.Json(503, """{"error":{"message":"overloaded","type":"server_error"}}"""));
            upstream.Script.Enqueue(FakeUpstream.Json(200, Ok));
            using (var r = await client1.PostAsync("/v1/chat/completions", new StringContent(json, Encoding.UTF8, "application/json")))
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal(2, upstream.Requests.Count);
            await Task.Delay(500); // several refreshes of instance 2's view
            upstream.Script.Enqueue(FakeUpstream.Json(200, Ok));
            using (var r = await client2.PostAsync("/v1/chat/completions", new StringContent(json, Encoding.UTF8, "application/json")))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.NotEqual(first.Model!.Provider, string.Join(",", r.Headers.GetValues("x-routingcore-provider")));
            }
            var requests = upstream.Requests.ToArray();
            Assert.Equal(3, requests.Length); // instance 2 never tried the provider instance 1 saw fail
            Assert.DoesNotContain($"/{first.Model!.Provider}/", requests[2].Path, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var c in new[] { client1, client2 }) c.Dispose();
            foreach (var a in new[] { app1, app2 }) { await a.StopAsync(); await a.DisposeAsync(); }
        }
    }
}

/// <summary>spec/gateway.md R-GW-20, spec/health.md R-HEALTH-6: the Redis parts registered in one call.</summary>
public sealed class RedisRegistrationTests
{
    [RedisFact]
    public async Task AddRoutingCoreRedis_RegistersTheLimiterAndTheSharedHealth_OnOneMultiplexer()
    {
        using var redis = new RedisServer();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddRoutingCore(o =>
        {
            var d = DefaultCatalog.LoadOptions();
            foreach (var (id, m) in d.Models) o.Models[id] = m;
            foreach (var (id, a) in d.Aliases) o.Aliases[id] = a;
        });
        services.AddRoutingCoreRedis(redis.ConnectionString, TimeSpan.FromMilliseconds(50));
        await using var provider = services.BuildServiceProvider();
        var limiter = provider.GetRequiredService<RedisRateLimiter>();
        Assert.True((await limiter.TryAdmitAsync("k-registration", 1, null, 10)).Admitted);
        Assert.False((await limiter.TryAdmitAsync("k-registration", 1, null, 10)).Admitted); // one per minute, counted in Redis
        var health = provider.GetRequiredService<RedisSharedHealth>();
        var nano = provider.GetRequiredService<IRoutingEngine>().Catalog.Models.Single(m => m.Id == "gpt-5-nano");
        await health.RecordFailureAsync(nano, TimeSpan.FromSeconds(30));
        Assert.Equal(HealthStatus.CoolingDown, health.GetStatus(nano));
        Assert.Same(provider.GetRequiredService<ModelHealthTracker>(), provider.GetRequiredService<ModelHealthTracker>());
        Assert.True(provider.GetRequiredService<IConnectionMultiplexer>().IsConnected);
    }
}

/// <summary>spec/health.md R-HEALTH-6: two instances' shared views on one real Redis, through a cooldown and its end.</summary>
public sealed class RedisSharedCooldownTests
{
    [RedisFact]
    public async Task WhenASharedCooldownEnds_EachInstanceSendsOneProbe_AndTrafficReturnsAfterASuccess()
    {
        using var redis = new RedisServer();
        using var mux1 = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        using var mux2 = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var catalog = TestKit.Engine.Catalog;
        var nano = catalog.Models.Single(m => m.Id == "gpt-5-nano");
        var cooldown = TimeSpan.FromMilliseconds(600);
        var tracker1 = new ModelHealthTracker(failureThreshold: 1, cooldown);
        var tracker2 = new ModelHealthTracker(failureThreshold: 1, cooldown);
        using var one = new RedisSharedHealth(tracker1, mux1, () => catalog, TimeSpan.FromMilliseconds(40));
        using var two = new RedisSharedHealth(tracker2, mux2, () => catalog, TimeSpan.FromMilliseconds(40));

        await one.RecordFailureAsync(nano); // instance one sees it fail: a shared cooldown
        Assert.True(await Eventually(() => two.GetStatus(nano) == HealthStatus.CoolingDown));

        // The cooldown ends: instance two is half-open, its one probe goes and its other requests wait for it.
        Assert.True(await Eventually(() => two.GetStatus(nano) == HealthStatus.Healthy));
        Assert.True(tracker2.IsHalfOpen(nano));
        Assert.True(two.TryEnterProbe(nano));
        Assert.False(two.TryEnterProbe(nano));
        Assert.False(two.TryEnterProbe(nano));
        await two.RecordSuccessAsync(nano, TimeSpan.FromMilliseconds(50));
        Assert.True(two.TryEnterProbe(nano));
        Assert.True(two.TryEnterProbe(nano)); // traffic is back

        // A success elsewhere ends a running shared cooldown early: the other instance goes half-open (one probe).
        await one.RecordFailureAsync(nano, retryAfter: TimeSpan.FromSeconds(30));
        Assert.True(await Eventually(() => two.GetStatus(nano) == HealthStatus.CoolingDown));
        Assert.True(await Eventually(() => one.GetStatus(nano) == HealthStatus.CoolingDown));
        await Task.Delay(100); // instance one's view holds the shared key, so its success clears it
        await one.RecordSuccessAsync(nano, TimeSpan.FromMilliseconds(50));
        Assert.True(await Eventually(() => two.GetStatus(nano) == HealthStatus.Healthy));
        Assert.True(two.TryEnterProbe(nano));
        Assert.False(two.TryEnterProbe(nano));
    }

    private static async Task<bool> Eventually(Func<bool> condition)
    {
        for (int i = 0; i < 100; i++)
        {
            if (condition()) return true;
            await Task.Delay(20);
        }
        return condition();
    }
}

/// <summary>spec/gateway.md R-GW-20: a "Redis" that answers garbage never fails a request beyond the fail mode.</summary>
public sealed class GarbageRedisTests
{
    [Fact]
    public async Task ARedisThatAnswersGarbage_FailsOpen_AndNeverA500()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var garbage = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var socket = await listener.AcceptSocketAsync(stop.Token);
                    await socket.SendAsync("%%% not RESP at all\r\n\r\n-ERR ???\r\n"u8.ToArray(), System.Net.Sockets.SocketFlags.None);
                    await Task.Delay(100, stop.Token);
                }
                catch (Exception) when (stop.IsCancellationRequested) { }
                catch (System.Net.Sockets.SocketException) { }
            }
        });
        await using var upstream = await FakeUpstream.StartAsync();
        var (app, client) = await GatewayTests.StartGatewayAsync(upstream, new()
        {
            ["ConnectionStrings:Redis"] = $"127.0.0.1:{port}",
            ["Gateway:Keys:sk-shared:RequestsPerMinute"] = "5",
        });
        try
        {
            var started = DateTime.UtcNow;
            for (int i = 0; i < 3; i++)
            {
                using var r = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
                {
                    Content = new StringContent("""{"model":"gpt-5","messages":[{"role":"user","content":"x"}]}""", Encoding.UTF8, "application/json"),
                    Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "sk-shared") },
                });
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            }
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20));
        }
        finally
        {
            stop.Cancel();
            listener.Stop();
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
