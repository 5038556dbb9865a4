using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace RoutingCore.Testing;

/// <summary>
/// A generated valid request, and the facts it was generated from (the expected scan result).
/// <see cref="ToJson"/> writes the body for the chosen endpoint shape.
/// </summary>
public sealed record RequestSpec(
    RequestEndpoint Endpoint, string Model, string Text, IReadOnlyList<ImageSpec> Images, bool Tools, bool JsonSchema,
    bool Reasoning, bool ImageOutput, int? MaxTokens, int? OutputImages, string? Size)
{
    /// <summary>The request body as UTF-8 JSON.</summary>
    public byte[] ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("model", Model);
            if (Endpoint == RequestEndpoint.ImageGenerations)
            {
                w.WriteString("prompt", Text);
                if (OutputImages is { } n) w.WriteNumber("n", n);
                if (Size is not null) w.WriteString("size", Size);
            }
            else
            {
                if (MaxTokens is { } mt) w.WriteNumber("max_tokens", mt);
                w.WriteStartArray("messages");
                w.WriteStartObject();
                w.WriteString("role", "user");
                w.WriteStartArray("content");
                WriteText(w);
                foreach (var image in Images) WriteImage(w, image);
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndArray();
                if (Tools)
                {
                    w.WriteStartArray("tools");
                    w.WriteStartObject();
                    w.WriteString("type", "function");
                    w.WriteStartObject("function");
                    w.WriteString("name", "lookup");
                    w.WriteEndObject();
                    w.WriteEndObject();
                    w.WriteEndArray();
                }
                if (JsonSchema)
                {
                    w.WriteStartObject("response_format");
                    w.WriteString("type", "json_schema");
                    w.WriteEndObject();
                }
                if (Reasoning)
                {
                    if (Endpoint == RequestEndpoint.Messages)
                    {
                        w.WriteStartObject("thinking");
                        w.WriteString("type", "enabled");
                        w.WriteNumber("budget_tokens", 1024);
                        w.WriteEndObject();
                    }
                    else
                    {
                        w.WriteString("reasoning_effort", "medium");
                    }
                }
                if (ImageOutput)
                {
                    w.WriteStartArray("modalities");
                    w.WriteStringValue("image");
                    w.WriteEndArray();
                    w.WriteStartObject("image_config");
                    if (OutputImages is { } n) w.WriteNumber("num_images", n);
                    if (Size is not null) w.WriteString("size", Size);
                    w.WriteEndObject();
                }
                if (Endpoint == RequestEndpoint.Messages) w.WriteString("system", "Be brief.");
            }
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    private void WriteText(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("type", "text");
        w.WriteString("text", Text);
        w.WriteEndObject();
    }

    private void WriteImage(Utf8JsonWriter w, ImageSpec image)
    {
        w.WriteStartObject();
        if (Endpoint == RequestEndpoint.Messages)
        {
            w.WriteString("type", "image");
            w.WriteStartObject("source");
            if (image.IsUrl)
            {
                w.WriteString("type", "url");
                w.WriteString("url", $"https://images.example.com/{image.Width}x{image.Height}.png");
            }
            else
            {
                w.WriteString("type", "base64");
                w.WriteString("media_type", ImageFormats.MediaType(image.Format));
                w.WriteString("data", Convert.ToBase64String(ImageHeaders.Create(image.Format, image.Width, image.Height)));
            }
            w.WriteEndObject();
        }
        else
        {
            w.WriteString("type", "image_url");
            w.WriteStartObject("image_url");
            w.WriteString("url", image.IsUrl
                ? $"https://images.example.com/{image.Width}x{image.Height}.png"
                : $"data:{ImageFormats.MediaType(image.Format)};base64,{Convert.ToBase64String(ImageHeaders.Create(image.Format, image.Width, image.Height))}");
            if (image.Detail is not null) w.WriteString("detail", image.Detail);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}
