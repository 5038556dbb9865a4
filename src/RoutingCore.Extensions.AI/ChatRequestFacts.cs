using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace RoutingCore.Extensions.AI;

/// <summary>
/// Turns <see cref="ChatMessage"/>s and <see cref="ChatOptions"/> into a <see cref="RoutingRequest"/> without a JSON
/// round trip: each message's text parts, image bytes (<see cref="DataContent"/>, header read only), image URLs
/// (<see cref="UriContent"/>), function calls and results; the tool declarations, JSON schema response format,
/// reasoning options and output limit of the options. The facts equal those of the equivalent OpenAI chat body.
/// </summary>
internal static class ChatRequestFacts
{
    public static void Fill(RoutingRequest request, string model, IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        request.Reset(model);
        // Indexed loops over the lists callers pass: no enumerator boxing per message.
        if (messages is IList<ChatMessage> list)
        {
            for (int i = 0; i < list.Count; i++) AddMessage(request, list[i]);
        }
        else
        {
            foreach (var message in messages) AddMessage(request, message);
        }
        if (options is not null) AddOptions(request, options);
    }

    private static void AddMessage(RoutingRequest request, ChatMessage message)
    {
        request.AddMessage(message.Role.Value);
        var contents = message.Contents;
        for (int i = 0; i < contents.Count; i++)
        {
            var content = contents[i];
            {
                switch (content)
                {
                    case TextContent text:
                        request.AddText(text.Text ?? "");
                        break;
                    case DataContent data when data.HasTopLevelMediaType("image"):
                        request.AddImage(data.Data.Span, data.MediaType, Detail(data));
                        break;
                    case UriContent uri when uri.HasTopLevelMediaType("image"):
                        request.AddImageUrl(uri.Uri.OriginalString, Detail(uri));
                        break;
                    case DataContent other:
                        // Audio, PDFs, …: never free; priced as their base64 text would be in a JSON body.
                        request.AddOtherPart((4L * ((other.Data.Length + 2) / 3) + 40 + 3) / 4);
                        break;
                    case FunctionCallContent call:
                        request.AddPricedText(call.Name);
                        if (call.Arguments is { Count: > 0 } args) request.AddPricedText(JsonSerializer.Serialize(args, AIJsonUtilities.DefaultOptions));
                        break;
                    case FunctionResultContent result:
                        request.AddPricedText(result.Result is string s ? s : JsonSerializer.Serialize(result.Result, AIJsonUtilities.DefaultOptions));
                        break;
                    case TextReasoningContent reasoning:
                        request.AddPricedText(reasoning.Text ?? "");
                        break;
                    default:
                        request.AddOtherPart(85); // an unknown content kind is counted and priced cautiously, never free
                        break;
                }
            }
        }
    }

    private static void AddOptions(RoutingRequest request, ChatOptions options)
    {
        if (options.Tools is { Count: > 0 } tools)
        {
            var buffer = new ArrayBufferWriter<byte>(1024);
            WriteTools(buffer, tools);
            request.SetTools(buffer.WrittenSpan, any: true);
        }
        if (options.ResponseFormat is ChatResponseFormatJson { Schema: not null }) request.SetJsonSchema(true);
        if (options.Reasoning is { Effort: { } effort }) request.SetReasoning(effort != ReasoningEffort.None);
        if (options.MaxOutputTokens is { } max) request.SetMaxOutputTokens(max);
    }

    private static ImageDetail Detail(AIContent content) =>
        content.AdditionalProperties?.TryGetValue("detail", out var d) == true && d is string detail
            ? detail switch { "low" => ImageDetail.Low, "high" => ImageDetail.High, "auto" => ImageDetail.Auto, _ => ImageDetail.Unspecified }
            : ImageDetail.Unspecified;

    /// <summary>
    /// The tool declarations as the OpenAI <c>tools</c> array a provider would be sent
    /// (<c>[{"type":"function","function":{"name","description","parameters"}}]</c>, relaxed escaping): what is priced.
    /// </summary>
    internal static void WriteTools(IBufferWriter<byte> destination, IEnumerable<AITool> tools)
    {
        using var w = new Utf8JsonWriter(destination, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartArray();
        foreach (var tool in tools)
        {
            w.WriteStartObject();
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            w.WriteString("name", tool.Name);
            if (!string.IsNullOrEmpty(tool.Description)) w.WriteString("description", tool.Description);
            if (tool is AIFunctionDeclaration function)
            {
                w.WritePropertyName("parameters");
                function.JsonSchema.WriteTo(w);
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
