using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using RoutingCore.Gateway;

namespace RoutingCore.Tests.Gateway;

/// <summary>spec/gateway.md R-GW-28 (health endpoints) and R-GW-29 (start-up configuration errors).</summary>
public sealed class OperationsTests
{
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
        using var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        int port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens there now
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
