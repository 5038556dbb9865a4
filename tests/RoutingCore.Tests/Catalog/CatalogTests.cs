using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace RoutingCore.Tests.Catalog;

public class CatalogTests
{
    private static RoutingOptions Bind(string json)
    {
        var config = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var options = new RoutingOptions();
        config.GetSection("Routing").Bind(options);
        return options;
    }

    [Fact]
    public void DefaultCatalog_Validates_AndListsEverySeedAlias()
    {
        var catalog = TestKit.Engine.Catalog;
        string[] aliases = ["flux-auto", "route-llm", "flux-fast", "flux-standard", "flux-reasoning", "flux-image",
            "flux-pinned-claude-sonnet", "flux-pinned-gpt-5", "flux-pinned-gemini-3-1-pro"];
        foreach (var a in aliases) Assert.True(catalog.TryResolve(a, out _, out var alias) && alias is not null, a);
        string[] models = ["phi-4-multimodal-instruct", "gemini-2.5-pro", "gpt-5.1", "flux_pro", "flux_pro_ultra", "flux2_pro", "flux2",
            "flux_kontext", "flux_kontext_edit", "flux_pro_canny", "flux_pro_depth", "flux_pro_fill", "gpt-image-1", "dall-e-3"];
        foreach (var m in models) Assert.True(catalog.TryResolve(m, out var model, out _) && model is not null, m);
        var formulas = catalog.Models.Where(m => m.ImageInput is not null).Select(m => m.ImageInput!.Formula).Distinct().Count();
        Assert.Equal(5, formulas);
        Assert.NotNull(catalog.AsOf);
        var fluxPro = catalog.Models.Single(m => m.Id == "flux_pro").ImageOutput!;
        Assert.Equal(15, fluxPro.Sizes.Length);
        Assert.Equal((4, 1440, 1440), (fluxPro.MaxImages, fluxPro.DefaultWidth, fluxPro.DefaultHeight));
    }

    [Fact]
    public void Binding_FromJson_IsCaseInsensitive_AndOverridesOneModel()
    {
        var o = Bind("""
{"routing":{"models":{"m1":{"provider":"p","tier":"Fast","capabilities":["TEXT","vision"],"inputPerMillion":1.5,"outputPerMillion":2,
            "imageInput":{"formula":"flat","tokensPerImage":100,"formats":["png"]}}},"aliases":{"a":{"kind":"tier","tier":"fast"}},"policy":"cheapest"}}
""");
        var engine = new RoutingEngine(o);
        var m = engine.Catalog.Models.Single();
        Assert.Equal(("m1", "fast", Capabilities.Text | Capabilities.Vision, 1.5m), (m.Id, m.Tier, m.Capabilities, m.InputPerMillion));
        Assert.Equal("cheapest", engine.Catalog.Policy.Name);

        var d = DefaultCatalog.LoadOptions();
        var config = new ConfigurationBuilder()
            .AddJsonStream(DefaultCatalog.OpenJson())
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes("""{"Routing":{"Models":{"gpt-5":{"InputPerMillion":9}}}}""")))
            .Build();
        var merged = new RoutingOptions();
        config.GetSection("Routing").Bind(merged);
        Assert.Equal(9m, merged.Models["gpt-5"].InputPerMillion);
        Assert.Equal(d.Models["gpt-5"].OutputPerMillion, merged.Models["gpt-5"].OutputPerMillion);
    }

    [Fact]
    public void Validation_ReportsEveryProblemTogether_ByKey()
    {
        var o = Bind("""
{"Routing":{"Policy":"fastest","MaxFallbacks":9,"Models":{
            "a":{"Provider":"p","Tier":"t","Quality":2,"Capabilities":["text","telepathy"],"InputPerMillion":-1},
            "b":{"Provider":"p","Tier":"t","Capabilities":["vision"],"ImageInput":{"Formula":"magic","Formats":["png"]}},
            "c":{"Provider":"p","Tier":"t","Capabilities":["vision"],"ImageInput":{"Formula":"openai-patch","Formats":["png","xyz"]}},
            "d":{"Provider":"p","Tier":"t","Capabilities":["image_output"],"ImageOutput":{"DefaultSize":"huge","Prices":{"1024x1024/ultra":1}}},
            "e":{"Tier":"t","Capabilities":["text"],"OutputPerMillion":-2}},
            "Aliases":{"p1":{"Kind":"pinned","Model":"nope"},"t1":{"Kind":"tier","Tier":"none"},"k":{"Kind":"weird"}}}}
""");
        var ex = Assert.Throws<OptionsValidationException>(() => new RoutingEngine(o));
        var all = string.Join("\n", ex.Failures);
        string[] expected =
        [
            "Routing:Policy: unknown policy 'fastest'", "Routing:MaxFallbacks:", "Routing:Models:a:Quality:",
            "Routing:Models:a:Capabilities: unknown capability 'telepathy'", "Routing:Models:a:InputPerMillion: must not be negative",
            "Routing:Models:b:ImageInput:Formula: unknown formula 'magic'", "Routing:Models:c:ImageInput:Multiplier:",
            "Routing:Models:c:ImageInput:Formats: unknown format 'xyz'", "Routing:Models:d:ImageOutput:DefaultSize:",
            "Routing:Models:d:ImageOutput:Prices:1024x1024/ultra:", "Routing:Models:e:Provider: required",
            "Routing:Models:e:OutputPerMillion: must not be negative", "Routing:Aliases:p1:Model: model 'nope' is not in the catalog",
            "Routing:Aliases:t1:Tier: no model is in tier 'none'", "Routing:Aliases:k:Kind: unknown alias kind 'weird'",
        ];
        foreach (var e in expected) Assert.Contains(e, all);
    }

    [Fact]
    public void TryUpdateCatalog_ValidChangeSwaps_InvalidChangeKeepsLastGood()
    {
        var engine = RoutingEngine.CreateDefault();
        var v1 = engine.Catalog;
        var changed = DefaultCatalog.LoadOptions();
        changed.Aliases["flux-auto"] = new AliasOptions { Kind = "pinned", Model = "gpt-4o" };
        Assert.True(engine.TryUpdateCatalog(changed, out _));
        Assert.Equal(v1.Version + 1, engine.Catalog.Version);
        Assert.Equal("gpt-4o", engine.Route(TestKit.Utf8("""{"model":"flux-auto","messages":[{"role":"user","content":"x"}]}""")).ModelId);

        var broken = DefaultCatalog.LoadOptions();
        broken.Policy = "nope";
        Assert.False(engine.TryUpdateCatalog(broken, out var errors));
        Assert.Contains(errors, e => e.Contains("Policy"));
        Assert.Equal(v1.Version + 1, engine.Catalog.Version);
        Assert.Equal("gpt-4o", engine.Route(TestKit.Utf8("""{"model":"flux-auto","messages":[{"role":"user","content":"x"}]}""")).ModelId);
    }

    [Fact]
    public void ModelsList_HasEveryModelAndAlias_WithKindsCapabilitiesModalitiesAndPrices()
    {
        using var stream = new MemoryStream();
        ModelsList.Write(stream, TestKit.Engine.Catalog);
        using var doc = JsonDocument.Parse(stream.ToArray());
        Assert.Equal("list", doc.RootElement.GetProperty("object").GetString());
        var data = doc.RootElement.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(TestKit.Engine.Catalog.Models.Count + TestKit.Engine.Catalog.Aliases.Count, data.Count);
        foreach (var e in data)
        {
            foreach (var key in new[] { "id", "object", "owned_by", "kind", "capabilities", "input_modalities", "output_modalities" })
                Assert.True(e.TryGetProperty(key, out _), $"{key} missing in {e}");
            if (e.GetProperty("kind").GetString() == "model") Assert.True(e.TryGetProperty("pricing", out _));
        }
        var pinned = data.Single(e => e.GetProperty("id").GetString() == "flux-pinned-gpt-5");
        Assert.Equal("gpt-5", pinned.GetProperty("target").GetString());
        var image = data.Single(e => e.GetProperty("id").GetString() == "gpt-image-1");
        Assert.Equal(["image"], image.GetProperty("output_modalities").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(0.25m, image.GetProperty("pricing").GetProperty("per_image_by").GetProperty("1024x1536/high").GetDecimal());
    }
}

public class PriceValidationTests
{
    [Fact]
    public void IdsDifferingOnlyInCase_AreRejected()
    {
        var o = new RoutingOptions { Models = new Dictionary<string, ModelOptions>(StringComparer.Ordinal), Aliases = new Dictionary<string, AliasOptions>(StringComparer.Ordinal) };
        o.Models["m"] = new ModelOptions { Provider = "p", Tier = "t", Capabilities = ["text"], InputPerMillion = 1, OutputPerMillion = 1 };
        o.Models["M"] = new ModelOptions { Provider = "p", Tier = "t", Capabilities = ["text"], InputPerMillion = 1, OutputPerMillion = 1 };
        o.Aliases["auto"] = new AliasOptions { Kind = "auto" };
        o.Aliases["AUTO"] = new AliasOptions { Kind = "auto" };
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new RoutingEngine(o));
        Assert.Contains(ex.Failures, f => f.StartsWith("Routing:Models:", StringComparison.Ordinal) && f.Contains("only in case"));
        Assert.Contains(ex.Failures, f => f.StartsWith("Routing:Aliases:", StringComparison.Ordinal) && f.Contains("only in case"));
    }

    [Theory]
    [InlineData(0.1234567)]
    [InlineData(2_000_000)]
    public void TokenPrices_BeyondSixDecimalsOrOutOfRange_AreRejected(double price)
    {
        var o = new RoutingOptions();
        o.Models["m"] = new ModelOptions { Provider = "p", Tier = "t", Capabilities = ["text"], InputPerMillion = (decimal)price };
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new RoutingEngine(o));
        Assert.Contains(ex.Failures, f => f.StartsWith("Routing:Models:m:InputPerMillion:", StringComparison.Ordinal));
    }

    [Fact]
    public void Costs_AreExactInPicoDollars()
    {
        var o = new RoutingOptions();
        o.Models["m"] = new ModelOptions { Provider = "p", Tier = "t", Capabilities = ["text"], InputPerMillion = 0.000001m, OutputPerMillion = 999_999.999999m, DefaultOutputTokens = 3 };
        var d = new RoutingEngine(o).Route(TestKit.Utf8("""{"model":"m","messages":[{"role":"user","content":"abcd"}]}"""));
        Assert.Equal(8 * 0.000001m / 1_000_000 + 3 * 999_999.999999m / 1_000_000, d.Estimate.CostUsd);
    }
}

public class OptionalKeysTests
{
    [Fact]
    public void MinimalCatalog_WithoutTierOrQuality_Starts_AndIsInNoTier()
    {
        var o = new RoutingOptions();
        o.Models["m-one"] = new ModelOptions { Provider = "p", Capabilities = ["text"], InputPerMillion = 1, OutputPerMillion = 2 };
        o.Aliases["auto"] = new AliasOptions { Kind = "auto" };
        var engine = new RoutingEngine(o);
        var m = engine.Catalog.Models.Single();
        Assert.Null(m.Tier);
        Assert.Equal(0.5, m.Quality);
        Assert.Equal("m-one", engine.Route(TestKit.Utf8("""{"model":"auto","messages":[{"role":"user","content":"hi"}]}""")).ModelId);
    }

    [Fact]
    public void TierAlias_OverModelsWithoutTiers_IsInvalid()
    {
        var o = new RoutingOptions();
        o.Models["m-one"] = new ModelOptions { Provider = "p", Capabilities = ["text"], InputPerMillion = 1, OutputPerMillion = 2 };
        o.Aliases["fast"] = new AliasOptions { Kind = "tier", Tier = "fast" };
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new RoutingEngine(o));
        Assert.Contains(ex.Failures, f => f.StartsWith("Routing:Aliases:fast:Tier", StringComparison.Ordinal));
    }

    [Fact]
    public void TextModel_WithoutPrices_IsRejected_NamingBothKeys_WhileAnExplicitZeroIsFree()
    {
        var o = new RoutingOptions();
        o.Models["m-one"] = new ModelOptions { Provider = "p", Capabilities = ["text"] };
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new RoutingEngine(o));
        Assert.Contains(ex.Failures, f => f.StartsWith("Routing:Models:m-one:InputPerMillion: required", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Routing:Models:m-one:OutputPerMillion: required", StringComparison.Ordinal));
        o.Models["m-one"] = new ModelOptions { Provider = "p", Capabilities = ["text"], InputPerMillion = 0, OutputPerMillion = 0 };
        Assert.Equal(0m, new RoutingEngine(o).Catalog.Models[0].InputPerMillion);
    }
}
