using System.Text.Json;
using RoutingCore.Budgets;

namespace RoutingCore.Gateway;

/// <summary>
/// <c>/health/live</c> and <c>/health/ready</c> for orchestrators (spec R-GW-28), answered without a key. Liveness: the
/// process serves HTTP. Readiness: the catalog is loaded, and — when configured — the budget ledger answers and Redis
/// is connected; a failing check answers 503 naming it. Each check has two seconds.
/// </summary>
internal static class GatewayHealthEndpoints
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(2);

    public static void Map(WebApplication app)
    {
        app.MapGet("/health/live", (HttpContext c) => Write(c, 200, "live", []));
        app.MapGet("/health/ready", ReadyAsync);
    }

    private static async Task ReadyAsync(HttpContext context, IRoutingEngine engine, IBudgetLedger ledger, IServiceProvider services)
    {
        var checks = new List<(string Name, bool Ok, string Detail)>
        {
            ("catalog", engine.Catalog.Models.Count > 0, $"version {engine.Catalog.Version}, {engine.Catalog.Models.Count} models"),
        };
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted))
        {
            timeout.CancelAfter(CheckTimeout);
            try
            {
                await ledger.GetAsync("routingcore-readiness-probe", timeout.Token);
                checks.Add(("ledger", true, ledger.GetType().Name));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                checks.Add(("ledger", false, ex.GetType().Name + ": " + ex.Message));
            }
        }
        if (services.GetService<StackExchange.Redis.IConnectionMultiplexer>() is { } redis)
        {
            checks.Add(("redis", redis.IsConnected, redis.IsConnected ? "connected" : "not connected"));
        }
        bool ready = checks.TrueForAll(c => c.Ok);
        await Write(context, ready ? 200 : 503, ready ? "ready" : "not_ready", checks);
    }

    private static Task Write(HttpContext context, int status, string state, List<(string Name, bool Ok, string Detail)> checks)
    {
        context.Response.Headers.CacheControl = "no-store";
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("status", state);
            w.WriteStartObject("checks");
            foreach (var (name, ok, detail) in checks)
            {
                w.WriteStartObject(name);
                w.WriteString("status", ok ? "ok" : "failing");
                w.WriteString("detail", detail);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return GatewayJson.SendAsync(context, buffer, status);
    }
}
