using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using RoutingCore.Gateway;
using RoutingCore.Testing.Postgres;
using RoutingCore.Tests.Gateway;

namespace RoutingCore.Tests.Budgets;

/// <summary>spec/gateway.md R-GW-11, R-GW-15 with a real PostgreSQL server that is stopped and started again.</summary>
public sealed class PostgresOutageTests
{
    /// <summary>The gateway on this PostgreSQL ledger, with short timeouts so an outage shows within the test.</summary>
    private static Dictionary<string, string?> OnPostgres(PostgresServer pg) => new()
    {
        ["Gateway:Ledger"] = "Postgres",
        ["ConnectionStrings:Budgets"] = pg.ConnectionString.Replace("Timeout=15", "Timeout=3", StringComparison.Ordinal),
        ["Gateway:SettlementRetryInterval"] = "00:00:00.200",
    };

    private static StringContent Body() => new("""{"model":"gpt-5","messages":[{"role":"user","content":"x"}]}""", Encoding.UTF8, "application/json");

    [PostgresFact]
    public async Task ThePostgresLedgerStopped_Gives503_AndTheGatewayServesAgainWhenItIsBack()
    {
        using var pg = new PostgresServer();
        await using var upstream = await FakeUpstream.StartAsync();
        var (app, client) = await GatewayTests.StartGatewayAsync(upstream, OnPostgres(pg));
        try
        {
            using (var ok = await client.PostAsync("/v1/chat/completions", Body())) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            pg.Stop();
            for (int i = 0; i < 3; i++)
            {
                using var down = await client.PostAsync("/v1/chat/completions", Body());
                Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
                Assert.True(down.Headers.Contains("retry-after"));
                using var doc = JsonDocument.Parse(await down.Content.ReadAsStringAsync());
                Assert.Equal("ledger_unavailable", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
            }
            pg.Start();
            HttpStatusCode status = 0;
            for (int i = 0; i < 50 && status != HttpStatusCode.OK; i++)
            {
                using var again = await client.PostAsync("/v1/chat/completions", Body());
                status = again.StatusCode;
                if (status != HttpStatusCode.OK) await Task.Delay(100);
            }
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(2, upstream.Requests.Count); // nothing was served unbudgeted during the outage
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [PostgresFact]
    public async Task TheGatewayStarts_WhilePostgresIsDown()
    {
        using var pg = new PostgresServer();
        pg.Stop();
        await using var upstream = await FakeUpstream.StartAsync();
        var (app, client) = await GatewayTests.StartGatewayAsync(upstream, OnPostgres(pg));
        try
        {
            using (var down = await client.PostAsync("/v1/chat/completions", Body())) Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            pg.Start();
            HttpStatusCode status = 0;
            for (int i = 0; i < 50 && status != HttpStatusCode.OK; i++)
            {
                using var again = await client.PostAsync("/v1/chat/completions", Body());
                status = again.StatusCode;
                if (status != HttpStatusCode.OK) await Task.Delay(200);
            }
            Assert.Equal(HttpStatusCode.OK, status); // the schema was installed once PostgreSQL answered
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
