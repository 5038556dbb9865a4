using System.Text.Encodings.Web;
using System.Text.Json;

namespace RoutingCore.ReverseProxy;

/// <summary>Errors in the endpoint's own shape: OpenAI <c>{"error":{…}}</c> or Anthropic <c>{"type":"error","error":{…}}</c>.</summary>
internal static class ErrorShapes
{
    /// <summary>The <see cref="HttpContext.Items"/> key the error code is kept under (the <c>error.type</c> of telemetry).</summary>
    internal const string ErrorTypeKey = "routingcore.error.type";

    public static async Task WriteAsync(HttpContext context, RequestEndpoint endpoint, int status, string code, string? param, string message)
    {
        context.Items[ErrorTypeKey] = code;
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (endpoint == RequestEndpoint.Messages)
            {
                w.WriteString("type", "error");
                w.WriteStartObject("error");
                w.WriteString("type", AnthropicType(status));
                w.WriteString("message", $"{code}: {message}{(param is { Length: > 0 } ? $" (param: {param})" : "")}");
                w.WriteEndObject();
            }
            else
            {
                w.WriteStartObject("error");
                w.WriteString("message", message);
                w.WriteString("type", OpenAIType(status));
                if (param is { Length: > 0 }) w.WriteString("param", param); else w.WriteNull("param");
                w.WriteString("code", code);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }

    private static string OpenAIType(int status) => status switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        413 => "invalid_request_error",
        429 => "rate_limit_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };

    private static string AnthropicType(int status) => status switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };
}
