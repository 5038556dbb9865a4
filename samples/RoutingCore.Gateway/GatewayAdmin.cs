using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RoutingCore.Budgets;
using RoutingCore.ReverseProxy;

namespace RoutingCore.Gateway;

/// <summary>
/// <c>GET /admin/keys</c> and <c>/admin/keys/{name}</c> (spec R-GW-33): each client key by its configured name — budget,
/// spend and reservations in the current period from the ledger, what remains, its limits — never the key itself.
/// They exist only with <c>Gateway:AdminKey</c>, which must differ from every client key and is compared in constant time.
/// </summary>
internal static class GatewayAdmin
{
    public static void Map(WebApplication app, string adminKey)
    {
        byte[] expected = SHA256.HashData(Encoding.UTF8.GetBytes(adminKey));
        var admin = app.MapGroup("/admin").AddEndpointFilter(async (invocation, next) =>
        {
            string? presented = KeyAuthenticator.Presented(invocation.HttpContext.Request);
            if (string.IsNullOrEmpty(presented) || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), expected))
            {
                await ErrorShapes.WriteAsync(invocation.HttpContext, RequestEndpoint.ChatCompletions, 401, "invalid_admin_key", null, "The admin key is missing or wrong.");
                return Results.Empty; // the answer is written

            }
            return await next(invocation);
        });
        admin.MapGet("/keys", KeysAsync);
        admin.MapGet("/keys/{name}", KeyAsync);
    }

    private static async Task KeysAsync(HttpContext context, KeyAuthenticator keys, IBudgetLedger ledger)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("keys");
            foreach (var client in keys.All) await WriteKeyAsync(w, client, ledger, context.RequestAborted);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        await WriteAsync(context, buffer);
    }

    private static async Task KeyAsync(HttpContext context, string name, KeyAuthenticator keys, IBudgetLedger ledger)
    {
        var client = keys.All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));
        if (client is null)
        {
            await ErrorShapes.WriteAsync(context, RequestEndpoint.ChatCompletions, 404, "not_found", null, $"No key is named '{name}'; GET /admin/keys lists them.");
            return;
        }
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) await WriteKeyAsync(w, client, ledger, context.RequestAborted);
        await WriteAsync(context, buffer);
    }

    private static async Task WriteKeyAsync(Utf8JsonWriter w, RoutingCoreClient client, IBudgetLedger ledger, CancellationToken cancel)
    {
        var options = client.State as KeyOptions;
        var status = await ledger.GetAsync(client.LedgerId, cancel);
        w.WriteStartObject();
        w.WriteString("name", client.Name ?? client.LedgerId);
        w.WriteString("ledger_id", client.LedgerId);
        if (status.LimitUsd is { } limit) w.WriteNumber("budget_usd", limit); else w.WriteNull("budget_usd");
        w.WriteString("period", status.Period.ToString());
        w.WriteString("period_start", status.PeriodStart);
        w.WriteNumber("spent_usd", status.SpentUsd);
        w.WriteNumber("reserved_usd", status.ReservedUsd);
        if (status.LimitUsd is { } l) w.WriteNumber("remaining_usd", Math.Max(0, l - status.SpentUsd - status.ReservedUsd)); else w.WriteNull("remaining_usd");
        w.WriteStartObject("limits");
        if (options?.RequestsPerMinute is { } rpm) w.WriteNumber("requests_per_minute", rpm); else w.WriteNull("requests_per_minute");
        if (options?.TokensPerMinute is { } tpm) w.WriteNumber("tokens_per_minute", tpm); else w.WriteNull("tokens_per_minute");
        if (options?.MaxCostUsd is { } max) w.WriteNumber("max_cost_usd", max); else w.WriteNull("max_cost_usd");
        w.WriteEndObject();
        w.WriteStartArray("allowed_models");
        foreach (var m in options?.AllowedModels ?? []) w.WriteStringValue(m);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static Task WriteAsync(HttpContext context, MemoryStream buffer)
    {
        context.Response.Headers.CacheControl = "no-store";
        return GatewayJson.SendAsync(context, buffer);
    }
}
