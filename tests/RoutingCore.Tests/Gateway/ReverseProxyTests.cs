using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using RoutingCore.Budgets;
using RoutingCore.Gateway;
using RoutingCore.ReverseProxy;
using Yarp.ReverseProxy.Configuration;

namespace RoutingCore.Tests.Gateway;

/// <summary>The gateway on YARP (spec R-GW-21..25): clusters per provider, passive health, start-up validation, OpenTelemetry.</summary>
public sealed class ReverseProxyTests
{
    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Header(HttpResponseMessage r, string name) => r.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : "";

    private static int Count(FakeUpstream upstream) => upstream.Requests.Count;

    [Fact]
    public async Task TwoDestinations_BothServe_AFailingOneIsTakenOutByPassiveHealth_AndAFailingClusterFallsBackToTheNextModel()
    {
        await using var a = await FakeUpstream.StartAsync();
        await using var b = await FakeUpstream.StartAsync();
        await using var f1 = await FakeUpstream.StartAsync();
        await using var f2 = await FakeUpstream.StartAsync();
        // flux-auto on "Hello" ranks a flexai model first, then OpenAI ones (asserted below): both flexai destinations
        // always fail, so the first request proves the ranked fallback when a whole cluster fails.
        for (int i = 0; i < 100; i++)
        {
            f1.Script.Enqueue(FakeUpstream.Json(503, """{"error":{"message":"f1 down"}}"""));
            f2.Script.Enqueue(FakeUpstream.Json(503, """{"error":{"message":"f2 down"}}"""));
        }
        var (app, client) = await GatewayTests.StartGatewayAsync(null, new Dictionary<string, string?>
        {
            ["Gateway:Health:FailureThreshold"] = "1000", // model cooldowns off: this test is about destinations
            ["ReverseProxy:Clusters:openai:LoadBalancingPolicy"] = "RoundRobin",
            ["ReverseProxy:Clusters:openai:HealthCheck:Passive:Enabled"] = "true",
            ["ReverseProxy:Clusters:openai:HealthCheck:Passive:Policy"] = "RoutingCoreFailures",
            ["ReverseProxy:Clusters:openai:HealthCheck:Passive:ReactivationPeriod"] = "00:05:00",
            ["ReverseProxy:Clusters:openai:Destinations:east:Address"] = a.BaseUrl + "/openai/v1",
            ["ReverseProxy:Clusters:openai:Destinations:east:Metadata:ApiKey"] = "upstream-key-east",
            ["ReverseProxy:Clusters:openai:Destinations:west:Address"] = b.BaseUrl + "/openai/v1/",
            ["ReverseProxy:Clusters:openai:Destinations:west:Metadata:ApiKey"] = "upstream-key-west",
            ["ReverseProxy:Clusters:flexai:Destinations:one:Address"] = f1.BaseUrl + "/v1",
            ["ReverseProxy:Clusters:flexai:Destinations:two:Address"] = f2.BaseUrl + "/v1",
        });
        try
        {
            const string json = """{"model":"flux-auto","messages":[{"role":"user","content":"Hello"}]}""";
            var decision = app.Services.GetRequiredService<IRoutingEngine>().Route(Encoding.UTF8.GetBytes(json));
            Assert.Equal("flexai", decision.Model!.Provider);
            Assert.Equal("openai", decision.GetServingModel(1).Provider);

            // Both destinations serve.
            for (int i = 0; i < 4; i++)
            {
                using var r = await client.PostAsync("/v1/chat/completions", Body(json));
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.Equal("openai", Header(r, "x-routingcore-provider"));
                Assert.Equal(decision.GetServingModel(1).Id, Header(r, "x-routingcore-model"));
            }
            Assert.Equal((2, 2), (Count(a), Count(b)));
            // Each request found the flexai cluster failing and was served by the next ranked model. Model cooldowns
            // are off here (threshold 1000) and failures below the threshold keep a model's rank (R-HEALTH-3), so every
            // request tried flexai first; with the default threshold the third failure would have cooled it down.
            Assert.Equal(4, Count(f1) + Count(f2));
            Assert.All(a.Requests, s => Assert.Equal("Bearer upstream-key-east", s.Headers["authorization"]));
            Assert.All(b.Requests, s => Assert.Equal("Bearer upstream-key-west", s.Headers["authorization"]));
            Assert.All(a.Requests, s => Assert.Equal("/openai/v1/chat/completions", s.Path));
            Assert.All(b.Requests, s => Assert.Equal("/openai/v1/chat/completions", s.Path));

            // West starts failing: three failures in a row take it out; east serves everything, nothing reaches the client.
            for (int i = 0; i < 50; i++) b.Script.Enqueue(FakeUpstream.Json(500, """{"error":{"message":"west broken"}}"""));
            for (int i = 0; i < 10; i++)
            {
                using var r = await client.PostAsync("/v1/chat/completions", Body(json));
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.DoesNotContain("west broken", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            Assert.Equal(2 + 3, Count(b));
            int east = Count(a);
            for (int i = 0; i < 4; i++)
            {
                using var r = await client.PostAsync("/v1/chat/completions", Body(json));
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            }
            Assert.Equal((east + 4, 5), (Count(a), Count(b)));
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("HealthyAndUnknown")]
    public async Task ALoneDestination_IsReadmittedByYarpsDefaultHealthyOrPanic_AndTakenOutOnlyByAStricterPolicy(string? policy)
    {
        await using var lone = await FakeUpstream.StartAsync();
        for (int i = 0; i < 50; i++) lone.Script.Enqueue(FakeUpstream.Json(500, """{"error":{"message":"lone broken"}}"""));
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Health:FailureThreshold"] = "1000", // model cooldowns off: this test is about YARP's destination health
            ["ReverseProxy:Clusters:openai:HealthCheck:Passive:Enabled"] = "true",
            ["ReverseProxy:Clusters:openai:HealthCheck:Passive:Policy"] = "RoutingCoreFailures",
            ["ReverseProxy:Clusters:openai:HealthCheck:Passive:ReactivationPeriod"] = "00:05:00",
            ["ReverseProxy:Clusters:openai:Destinations:only:Address"] = lone.BaseUrl + "/openai/v1",
        };
        if (policy is not null) settings["ReverseProxy:Clusters:openai:HealthCheck:AvailableDestinationsPolicy"] = policy;
        var (app, client) = await GatewayTests.StartGatewayAsync(null, settings);
        try
        {
            const string json = """{"model":"gpt-5","messages":[{"role":"user","content":"Hello"}]}""";
            async Task SendSix()
            {
                for (int i = 0; i < 6; i++)
                {
                    using var r = await client.PostAsync("/v1/chat/completions", Body(json));
                    Assert.NotEqual(HttpStatusCode.OK, r.StatusCode);
                }
            }
            await SendSix();
            await Task.Delay(300); // YARP applies passive health updates off the request path
            int afterSix = Count(lone);
            await SendSix();
            // Three failures mark the destination unhealthy. HealthyOrPanic (YARP's default) hands back every
            // destination when none is healthy, so a lone one keeps receiving every request; HealthyAndUnknown takes
            // it out, and the gateway answers without trying it.
            if (policy is null) Assert.Equal(12, Count(lone));
            else
            {
                Assert.InRange(afterSix, 3, 5);
                Assert.Equal(afterSix, Count(lone));
            }
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("ReverseProxy:Clusters:openai:LoadBalancingPolicy", "RoundRobin", "ReverseProxy:Clusters:openai:Destinations")]
    [InlineData("ReverseProxy:Clusters:openai:Destinations:d1:Address", "not a url", "ReverseProxy:Clusters:openai:Destinations:d1:Address")]
    [InlineData("ReverseProxy:Clusters:openai:Destinations:d1:Address", "ftp://example.com/v1", "ReverseProxy:Clusters:openai:Destinations:d1:Address")]
    [InlineData("Gateway:Upstreams:openai:BaseUrl", "127.0.0.1:8080/v1", "Gateway:Upstreams:openai:BaseUrl")]
    [InlineData("ReverseProxy:Routes:mine:Metadata:RoutingCore", "chatty", "ReverseProxy:Routes:mine:Metadata:RoutingCore")]
    public async Task MisconfiguredClusterOrRoute_IsAStartUpError_NamingTheKey(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (key.StartsWith("ReverseProxy:Routes:mine", StringComparison.Ordinal))
        {
            settings["ReverseProxy:Routes:mine:Match:Path"] = "/mine";
        }
        var error = await Assert.ThrowsAnyAsync<Exception>(() => GatewayTests.StartGatewayAsync(null, settings));
        Assert.Contains(named, Flatten(error), StringComparison.Ordinal);
    }

    private static string Flatten(Exception e) => e.ToString();

    [Fact]
    public async Task Telemetry_ASpanPerRequest_WithGenAiAttributes_AndTheMetersAtSlashMetrics()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        var (app, client) = await GatewayTests.StartGatewayAsync(upstream, new Dictionary<string, string?> { ["Gateway:Telemetry:Prometheus"] = "true" },
            services => services.AddOpenTelemetry()
                .WithTracing(t => t.AddInMemoryExporter(spans))
                .WithMetrics(m => m.AddInMemoryExporter(metrics)));
        try
        {
            const string json = """{"model":"flux-auto","messages":[{"role":"user","content":"Prove that the square root of two is irrational, step by step."}]}""";
            using var response = await client.PostAsync("/v1/chat/completions", Body(json));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            string served = Header(response, "x-routingcore-model"), provider = Header(response, "x-routingcore-provider");
            int port = new Uri(upstream.BaseUrl).Port;

            Activity? span = null;
            for (int i = 0; i < 100 && span is null; i++)
            {
                // Other tests' gateways share the activity source and meter: this gateway's are the ones sent to its upstream.
                lock (spans) span = spans.FirstOrDefault(s => s.Source.Name == RoutingCoreProxyTelemetry.ActivitySourceName && Equals(s.GetTagItem("server.port"), port));
                if (span is null) await Task.Delay(50);
            }
            Assert.NotNull(span);
            Assert.Equal("chat flux-auto", span.DisplayName);
            Assert.Equal(ActivityKind.Client, span.Kind);
            Assert.Equal("chat", span.GetTagItem("gen_ai.operation.name"));
            Assert.Equal("flux-auto", span.GetTagItem("gen_ai.request.model"));
            Assert.Equal(served, span.GetTagItem("gen_ai.response.model"));
            Assert.Equal(provider, span.GetTagItem("gen_ai.provider.name"));
            Assert.Equal(10L, span.GetTagItem("gen_ai.usage.input_tokens")); // the fake upstream's usage block
            Assert.Equal(2L, span.GetTagItem("gen_ai.usage.output_tokens"));
            var model = app.Services.GetRequiredService<IRoutingEngine>().Catalog.Models.Single(m => m.Id == served);
            Assert.Equal((double)((10 * model.InputPerMillion + 2 * model.OutputPerMillion) / 1_000_000m), (double)span.GetTagItem("routingcore.cost_usd")!, 12);
            Assert.Equal(double.Parse(Header(response, "x-routingcore-estimated-cost-usd"), System.Globalization.CultureInfo.InvariantCulture),
                (double)span.GetTagItem("routingcore.estimated_cost_usd")!, 12);
            Assert.InRange((double)span.GetTagItem("routingcore.difficulty")!, 0.0, 1.0);

            Assert.Equal("127.0.0.1", span.GetTagItem("server.address"));

            app.Services.GetRequiredService<MeterProvider>().ForceFlush(); // the in-memory reader (Prometheus, a pull reader, reports false)
            var usage = metrics.Where(m => m.Name == "gen_ai.client.token.usage").ToList();
            Assert.NotEmpty(usage);
            long input = 0;
            foreach (var metric in usage)
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    string? type = null;
                    object? at = null;
                    foreach (var tag in point.Tags)
                    {
                        if (tag.Key == "gen_ai.token.type") type = tag.Value as string;
                        if (tag.Key == "server.port") at = tag.Value;
                    }
                    if (type == "input" && Equals(at, port)) input += (long)point.GetHistogramSum();
                }
            Assert.Equal(10, input);
            Assert.Contains(metrics, m => m.Name == "routingcore.proxy.processing_time");

            using var scrape = new HttpRequestMessage(HttpMethod.Get, "/metrics");
            using var text = await client.SendAsync(scrape);
            Assert.Equal(HttpStatusCode.OK, text.StatusCode);
            string body = await text.Content.ReadAsStringAsync();
            Assert.Contains("gen_ai_client_token_usage", body, StringComparison.Ordinal);
            Assert.Contains("routingcore_proxy_processing_time", body, StringComparison.Ordinal);
            Assert.Contains("routingcore_proxy_cost", body, StringComparison.Ordinal);
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task WithoutTelemetryConfigured_ThereIsNoMetricsEndpoint()
    {
        var (app, client) = await GatewayTests.StartGatewayAsync(null, []);
        try
        {
            using var response = await client.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>A host of its own: YARP from memory, RoutingCore added, the host's authentication deciding who is billed.</summary>
    [Fact]
    public async Task HostOwnAuthentication_BillsTheAuthenticatedUser_AndOtherRoutesStayPlainYarp()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddRoutingCore(o =>
        {
            var source = DefaultCatalog.LoadOptions();
            foreach (var (id, m) in source.Models) o.Models[id] = m;
            foreach (var (id, al) in source.Aliases) o.Aliases[id] = al;
        });
        builder.Services.AddReverseProxy()
            .LoadFromMemory(
                [
                    new RouteConfig { RouteId = "chat", Match = new RouteMatch { Path = "/v1/chat/completions" }, Metadata = new Dictionary<string, string> { ["RoutingCore"] = "chat" } },
                    new RouteConfig { RouteId = "plain", ClusterId = "openai", Match = new RouteMatch { Path = "/plain/{**rest}" } },
                ],
                [new ClusterConfig { ClusterId = "openai", Destinations = new Dictionary<string, DestinationConfig> { ["d"] = new() { Address = upstream.BaseUrl + "/openai/v1" } } }])
            .AddRoutingCore();
        var app = builder.Build();
        app.Use((context, next) =>
        {
            // The host's own authentication, reduced to a header for the test.
            if (context.Request.Headers["x-test-user"].ToString() is { Length: > 0 } user)
                context.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity([new(System.Security.Claims.ClaimTypes.Name, user)], "test"));
            return next(context);
        });
        app.MapRoutingCoreReverseProxy();
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var client = new HttpClient { BaseAddress = new Uri(address) };
            const string json = """{"model":"gpt-5","messages":[{"role":"user","content":"Hello"}]}""";
            using (var anonymous = await client.PostAsync("/v1/chat/completions", Body(json)))
                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Empty(upstream.Requests);

            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Body(json) };
            request.Headers.Add("x-test-user", "alice");
            using (var served = await client.SendAsync(request))
            {
                Assert.Equal(HttpStatusCode.OK, served.StatusCode);
                Assert.Equal("gpt-5", Header(served, "x-routingcore-model"));
            }
            var status = await app.Services.GetRequiredService<IBudgetLedger>().GetAsync("user-alice");
            Assert.True(status.SpentUsd > 0, "the authenticated user is billed");

            // A route without RoutingCore metadata is YARP as usual: the body goes through untouched.
            using (var plain = await client.PostAsync("/plain/anything", Body("""{"model":"whatever"}""")))
                Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
            var last = upstream.Requests.Last();
            Assert.Equal("/openai/v1/plain/anything", last.Path);
            Assert.Equal("""{"model":"whatever"}""", Encoding.UTF8.GetString(last.Body));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}

/// <summary>The <c>RoutingCoreFailures</c> passive policy on its own (R-GW-22), including on routes that are not RoutingCore's.</summary>
public sealed class ConsecutiveFailuresPolicyTests
{
    private sealed class Recorder : Yarp.ReverseProxy.Health.IDestinationHealthUpdater
    {
        public List<(string Destination, Yarp.ReverseProxy.Model.DestinationHealth Health, TimeSpan Period)> Passive { get; } = [];

        public void SetActive(Yarp.ReverseProxy.Model.ClusterState cluster, IEnumerable<Yarp.ReverseProxy.Health.NewActiveDestinationHealth> destinationHealths) { }

        public void SetPassive(Yarp.ReverseProxy.Model.ClusterState cluster, Yarp.ReverseProxy.Model.DestinationState destination,
            Yarp.ReverseProxy.Model.DestinationHealth newHealth, TimeSpan reactivationPeriod) => Passive.Add((destination.DestinationId, newHealth, reactivationPeriod));
    }

    private sealed class ErrorFeature(Yarp.ReverseProxy.Forwarder.ForwarderError error) : Yarp.ReverseProxy.Forwarder.IForwarderErrorFeature
    {
        public Yarp.ReverseProxy.Forwarder.ForwarderError Error { get; } = error;
        public Exception? Exception => null;
    }

    private static Yarp.ReverseProxy.Model.ClusterState Cluster(Dictionary<string, string>? metadata = null)
    {
        return new Yarp.ReverseProxy.Model.ClusterState("c",
            new Yarp.ReverseProxy.Model.ClusterModel(new ClusterConfig { ClusterId = "c", Metadata = metadata }, new HttpMessageInvoker(new HttpClientHandler())));
    }

    private static DefaultHttpContext Context(int status, Yarp.ReverseProxy.Forwarder.ForwarderError? error = null)
    {
        var context = new DefaultHttpContext();
        context.Response.StatusCode = status;
        if (error is { } e) context.Features.Set<Yarp.ReverseProxy.Forwarder.IForwarderErrorFeature>(new ErrorFeature(e));
        return context;
    }

    [Fact]
    public void TransportFailures_OnAPlainYarpRoute_TakeTheDestinationOut_AtTheThreshold_AndAnAnswerResetsTheCount()
    {
        var recorder = new Recorder();
        var policy = new ConsecutiveFailuresPolicy(recorder);
        var cluster = Cluster();
        var destination = new Yarp.ReverseProxy.Model.DestinationState("d");
        policy.RequestProxied(Context(502, Yarp.ReverseProxy.Forwarder.ForwarderError.Request), cluster, destination);
        policy.RequestProxied(Context(502, Yarp.ReverseProxy.Forwarder.ForwarderError.Request), cluster, destination);
        policy.RequestProxied(Context(200), cluster, destination); // an answer: the count starts again
        policy.RequestProxied(Context(502, Yarp.ReverseProxy.Forwarder.ForwarderError.Request), cluster, destination);
        policy.RequestProxied(Context(503), cluster, destination);
        Assert.Empty(recorder.Passive);
        // The destination broke off its body after a 200 (a transport failure though the status looks fine): the third.
        policy.RequestProxied(Context(200, Yarp.ReverseProxy.Forwarder.ForwarderError.ResponseBodyDestination), cluster, destination);
        Assert.Equal([("d", Yarp.ReverseProxy.Model.DestinationHealth.Unhealthy, TimeSpan.FromSeconds(30))], recorder.Passive);
    }

    [Fact]
    public void AClientThatLeft_SaysNothingAboutTheDestination_AndTheThresholdComesFromClusterMetadata()
    {
        var recorder = new Recorder();
        var policy = new ConsecutiveFailuresPolicy(recorder);
        var cluster = Cluster(new Dictionary<string, string> { [ConsecutiveFailuresPolicy.ThresholdMetadataKey] = "1" });
        var destination = new Yarp.ReverseProxy.Model.DestinationState("d");
        policy.RequestProxied(Context(200, Yarp.ReverseProxy.Forwarder.ForwarderError.RequestCanceled), cluster, destination);
        Assert.Empty(recorder.Passive);
        policy.RequestProxied(Context(429), cluster, destination);
        Assert.Single(recorder.Passive);
    }
}
