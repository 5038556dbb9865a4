using FsCheck;
using FsCheck.Fluent;

namespace RoutingCore.Testing;

/// <summary>FsCheck generators for valid catalogs: random models of every formula and capability mix, and aliases of every kind.</summary>
public static class CatalogGenerators
{
    private static readonly string[] s_tiers = ["fast", "standard", "reasoning"];
    private static readonly string[] s_capabilities = ["tools", "json_schema", "reasoning"];
    private static readonly string[] s_formulas = ["openai-tile", "openai-patch", "anthropic", "gemini", "flat"];
    private static readonly string[] s_formats = ["png", "jpeg", "gif", "webp"];
    private static readonly string[] s_vision = ["vision"];

    /// <summary>A text model (optionally with vision) with generated prices, limits and formula.</summary>
    public static Gen<ModelOptions> TextModel() =>
        from tier in Gen.Elements(s_tiers)
        from quality in Gen.Choose(30, 99)
        from extra in Gen.SubListOf(s_capabilities)
        from vision in Gen.Elements(true, true, false)
        from formula in Gen.Elements(s_formulas)
        from formats in Gen.NonEmptyListOf(Gen.Elements(s_formats))
        from animated in Gen.Elements(false, true)
        from maxImages in Gen.Elements(0, 1, 5, 100)
        from inPrice in Gen.Choose(0, 20_000)
        from outPrice in Gen.Choose(0, 80_000)
        from context in Gen.Elements(0L, 8_000L, 128_000L, 1_000_000L)
        from defaultOut in Gen.Elements(256L, 1024L, 4096L)
        select new ModelOptions
        {
            Provider = "gen", Tier = tier, Quality = quality / 100.0,
            Capabilities = ["text", .. extra, .. (vision ? s_vision : [])],
            ContextWindow = context, DefaultOutputTokens = defaultOut, InputPerMillion = inPrice / 1000m, OutputPerMillion = outPrice / 1000m,
            ImageInput = vision ? new ImageInputOptions
            {
                Formula = formula, BaseTokens = 85, TileTokens = 170, Multiplier = 1.62, TokensPerImage = 500,
                Formats = [.. formats.Distinct()], AnimatedGif = animated, MaxImages = maxImages,
            } : null,
        };

    /// <summary>An image-output model with per-image prices.</summary>
    public static Gen<ModelOptions> ImageModel() =>
        from quality in Gen.Choose(30, 99)
        from price in Gen.Choose(1, 300)
        from high in Gen.Choose(0, 300)
        from maxImages in Gen.Elements(0, 1, 4)
        select new ModelOptions
        {
            Provider = "gen", Tier = "image", Quality = quality / 100.0, Capabilities = ["image_output"],
            ImageOutput = new ImageOutputOptions
            {
                PricePerImage = price / 1000m, MaxImages = maxImages,
                Prices = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase) { ["1024x1024/high"] = high / 1000m },
            },
        };

    /// <summary>
    /// A valid catalog of 1–30 text models and 1–5 image models, with the aliases <c>auto</c>, <c>image</c>,
    /// <c>tier-&lt;tier&gt;</c> for every populated tier and <c>pin-&lt;model&gt;</c> for every model, under a random policy.
    /// </summary>
    public static Gen<RoutingOptions> Catalog() =>
        from text in Gen.Choose(1, 30).SelectMany(n => Gen.ListOf(TextModel(), n))
        from images in Gen.Choose(1, 5).SelectMany(n => Gen.ListOf(ImageModel(), n))
        from policy in Gen.Elements("balanced", "cheapest", "quality")
        from fallbacks in Gen.Choose(0, 4)
        select Build(text, images, policy, fallbacks);

    private static RoutingOptions Build(IEnumerable<ModelOptions> text, IEnumerable<ModelOptions> images, string policy, int fallbacks)
    {
        var o = new RoutingOptions { Policy = policy, MaxFallbacks = fallbacks };
        int i = 0;
        foreach (var m in text) o.Models[$"text-{i++:D2}"] = m;
        i = 0;
        foreach (var m in images) o.Models[$"image-{i++:D2}"] = m;
        o.Aliases["auto"] = new AliasOptions { Kind = "auto" };
        o.Aliases["image"] = new AliasOptions { Kind = "image" };
        foreach (var tier in o.Models.Values.Select(m => m.Tier!).Distinct())
            o.Aliases[$"tier-{tier}"] = new AliasOptions { Kind = "tier", Tier = tier };
        foreach (var id in o.Models.Keys.ToList()) o.Aliases[$"pin-{id}"] = new AliasOptions { Kind = "pinned", Model = id };
        return o;
    }
}
