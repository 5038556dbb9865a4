using FsCheck;
using FsCheck.Fluent;

namespace RoutingCore.Testing;

/// <summary>FsCheck generators for valid requests of all three endpoint shapes.</summary>
public static class RoutingGenerators
{
    private static readonly ImageFormat[] s_formats = [ImageFormat.Png, ImageFormat.Jpeg, ImageFormat.Gif, ImageFormat.WebP];
    private static readonly string[] s_words = ["route", "image", "cat", "describe", "résumé", "データ", "καλημέρα", "🙂", "tools", "json"];

    /// <summary>An image of a generated format and size (1–4096 px a side; a quarter are URLs).</summary>
    public static Gen<ImageSpec> Image() =>
        from format in Gen.Elements(s_formats)
        from w in Gen.Choose(1, 4096)
        from h in Gen.Choose(1, 4096)
        from url in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
        from detail in Gen.Elements<string?>(null, "low", "high", "auto")
        select new ImageSpec(format, format == ImageFormat.Gif ? Math.Min(w, 65535) : w, format == ImageFormat.Gif ? Math.Min(h, 65535) : h, url, detail);

    /// <summary>A valid request naming one of <paramref name="modelIds"/>.</summary>
    public static Gen<RequestSpec> Request(IReadOnlyList<string> modelIds)
    {
        ArgumentNullException.ThrowIfNull(modelIds);
        return from endpoint in Gen.Elements(RequestEndpoint.ChatCompletions, RequestEndpoint.Messages, RequestEndpoint.ImageGenerations)
               from model in Gen.Elements(modelIds.ToArray())
               from words in Gen.ListOf(Gen.Elements(s_words))
               from images in Gen.Choose(0, 3).SelectMany(n => Gen.ListOf(Image(), n))
               from tools in ArbBool()
               from schema in ArbBool()
               from reasoning in ArbBool()
               from imageOut in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
               from maxTokens in Gen.Elements<int?>(null, 16, 256, 4096)
               from outImages in Gen.Elements<int?>(null, 1, 2, 4)
               from size in Gen.Elements<string?>(null, "1024x1024", "1440x1440", "1536x1024")
               select Build(endpoint, model, string.Join(' ', words), images, tools, schema, reasoning, imageOut, maxTokens, outImages, size);
    }

    private static RequestSpec Build(RequestEndpoint endpoint, string model, string text, IEnumerable<ImageSpec> images, bool tools,
        bool schema, bool reasoning, bool imageOut, int? maxTokens, int? outImages, string? size)
    {
        bool images_ = endpoint == RequestEndpoint.ImageGenerations;
        return new RequestSpec(endpoint, model, text.Length == 0 ? "hi" : text, images_ ? [] : [.. images],
            !images_ && tools, !images_ && schema, !images_ && reasoning, images_ || imageOut, images_ ? null : maxTokens,
            images_ || imageOut ? outImages : null, images_ || imageOut ? size : null);
    }

    private static Gen<bool> ArbBool() => Gen.Elements(false, true);
}
