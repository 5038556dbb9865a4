using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace RoutingCore.Testing;

/// <summary>One image input of a generated request: a real header of the given format and size, or a URL.</summary>
/// <param name="Format">PNG, JPEG, GIF or WebP (ignored for URLs).</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="IsUrl">A public https URL instead of inline data.</param>
/// <param name="Detail">OpenAI detail, or null.</param>
public sealed record ImageSpec(ImageFormat Format, int Width, int Height, bool IsUrl, string? Detail);

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

/// <summary>Minimal, structurally valid image headers of a given size (what the scanner reads; no pixels).</summary>
public static class ImageHeaders
{
    /// <summary>Bytes whose header declares <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static byte[] Create(ImageFormat format, int width, int height)
    {
        switch (format)
        {
            case ImageFormat.Png:
            {
                var b = new byte[33 + 12];
                new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(b, 0);
                BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(8), 13);
                "IHDR"u8.CopyTo(b.AsSpan(12));
                BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(16), (uint)width);
                BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(20), (uint)height);
                b[24] = 8; b[25] = 2;
                "IEND"u8.CopyTo(b.AsSpan(37));
                return b;
            }
            case ImageFormat.Jpeg:
            {
                var ms = new MemoryStream();
                ms.Write([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]);
                ms.Write("JFIF\0"u8);
                ms.Write(new byte[9]);
                ms.Write([0xFF, 0xC0, 0x00, 0x11, 0x08, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 0x03]);
                ms.Write(new byte[9]);
                ms.Write([0xFF, 0xD9]);
                return ms.ToArray();
            }
            case ImageFormat.Gif:
            {
                var b = new byte[14];
                "GIF89a"u8.CopyTo(b);
                BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(6), (ushort)width);
                BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(8), (ushort)height);
                b[13] = 0x3B;
                return b;
            }
            case ImageFormat.WebP:
            {
                var b = new byte[30];
                "RIFF"u8.CopyTo(b);
                BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), 22);
                "WEBPVP8X"u8.CopyTo(b.AsSpan(8));
                BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(16), 10);
                int w1 = width - 1, h1 = height - 1;
                b[24] = (byte)w1; b[25] = (byte)(w1 >> 8); b[26] = (byte)(w1 >> 16);
                b[27] = (byte)h1; b[28] = (byte)(h1 >> 8); b[29] = (byte)(h1 >> 16);
                return b;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Only PNG, JPEG, GIF and WebP headers are generated.");
        }
    }

    internal static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
