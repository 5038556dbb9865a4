namespace RoutingCore.Gateway;

/// <summary>Sends a JSON document the gateway wrote into a buffer (models, health, admin answers).</summary>
internal static class GatewayJson
{
    public static Task SendAsync(HttpContext context, MemoryStream buffer, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted).AsTask();
    }
}
