using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using RoutingCore.Testing;

namespace RoutingCore.Tests.Properties;

/// <summary>FsCheck properties of spec/routing.md, using the shipped testing kit.</summary>
public class RoutingProperties
{
    private static readonly string[] Ids = [.. TestKit.Engine.Catalog.Aliases.Select(a => a.Id), .. TestKit.Engine.Catalog.Models.Select(m => m.Id)];
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(300);

    [Fact]
    public void Decisions_MeetTheInvariants_Meets_Specification()
    {
        Check.One(Runs, Prop.ForAll(RoutingGenerators.Request(Ids).ToArbitrary(), spec =>
        {
            RoutingInvariants.Check(TestKit.Engine, spec.ToJson());
        }));
    }

    [Fact]
    public void AllowListsAndBudgets_AreNeverViolated_Meets_Specification()
    {
        var models = TestKit.Engine.Catalog.Models.Select(m => m.Id).ToArray();
        var gen = from spec in RoutingGenerators.Request(Ids)
                  from allowed in Gen.SubListOf(models)
                  from budget in Gen.Elements<decimal?>(null, 0.0001m, 0.01m, 0.1m)
                  select (spec, allowed, budget);
        Check.One(Runs, Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var ctx = new RouteContext { AllowedModels = new HashSet<string>(t.allowed, StringComparer.OrdinalIgnoreCase), MaxCostUsd = t.budget };
            RoutingInvariants.Check(TestKit.Engine, t.spec.ToJson(), ctx);
        }));
    }

    [Fact]
    public void PinnedAndDirect_YieldThatModelOrARejection_Meets_Specification()
    {
        var catalog = TestKit.Engine.Catalog;
        Check.One(Runs, Prop.ForAll(RoutingGenerators.Request([.. catalog.Models.Select(m => m.Id), "flux-pinned-gpt-5"]).ToArbitrary(), spec =>
        {
            var d = TestKit.Engine.Route(spec.ToJson());
            catalog.TryResolve(spec.Model, out var model, out var alias);
            var expected = model ?? alias!.Target!;
            return !d.Succeeded || d.ModelId == expected.Id;
        }));
    }

    [Fact]
    public void Cheapest_PicksACandidateWithTheMinimumEstimatedCost_Meets_Specification()
    {
        var options = DefaultCatalog.LoadOptions();
        options.Policy = "cheapest";
        options.Aliases["flux-auto"].Tradeoff = null; // the policy's property: its static ranking
        var engine = new RoutingEngine(options);
        var details = new RouteDetails { Explain = true };
        Check.One(Runs, Prop.ForAll(RoutingGenerators.Request(["flux-auto", "flux-fast", "flux-image", "flux-standard"]).ToArbitrary(), spec =>
        {
            var d = engine.Route(spec.ToJson(), default, details);
            if (!d.Succeeded) return true;
            var min = details.Candidates.Where(c => c.Status != "rejected").Min(c => c.CostUsd);
            return d.Estimate.CostUsd == min;
        }));
    }

    /// <summary>Differential: the scanner and a JsonDocument reference agree on every fact of generated valid requests.</summary>
    [Fact]
    public void Scanner_AgreesWithJsonDocumentReference_Meets_Specification()
    {
        Check.One(Runs, Prop.ForAll(RoutingGenerators.Request(Ids).ToArbitrary(), spec =>
        {
            var body = spec.ToJson();
            var facts = TestKit.Scan(body, spec.Endpoint);
            var reference = ReferenceExtractor.Extract(body);
            Assert.Equal(RouteErrorCode.None, facts.Error);
            Assert.Equal(reference.Model, System.Text.Encoding.UTF8.GetString(facts.Model));
            Assert.Equal(reference.Images.Count, facts.ImageCount);
            for (int i = 0; i < facts.ImageCount; i++)
            {
                var (isUrl, w, h, format) = reference.Images[i];
                var image = facts.Images[i];
                Assert.Equal(isUrl, image.Source == ImageSourceKind.Url);
                if (!isUrl) Assert.Equal((format, w, h), (image.Format, image.Width, image.Height));
            }
            Assert.Equal(reference.Tools, facts.HasTools);
            Assert.Equal(reference.JsonSchema, facts.JsonSchema);
            Assert.Equal(reference.Reasoning, facts.Reasoning);
            Assert.Equal(reference.ImageOutput, facts.ImageOutputRequested);
            Assert.Equal(reference.MaxTokens, facts.MaxTokens);
        }));
    }

    /// <summary>Differential on mutations: a body JsonDocument rejects is never routed.</summary>
    [Fact]
    public void Scanner_RejectsWhatJsonDocumentRejects_Meets_Specification()
    {
        var gen = from spec in RoutingGenerators.Request(Ids)
                  from cut in Gen.Choose(0, 100)
                  from flip in Gen.Choose(0, 1000)
                  select (spec, cut, flip);
        Check.One(Runs, Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var body = t.spec.ToJson();
            var mutated = body[..(body.Length * t.cut / 100)];
            if (mutated.Length > 0 && t.flip < 300) mutated[t.flip % mutated.Length] = (byte)'"';
            bool referenceAccepts;
            try { using var _ = JsonDocument.Parse(mutated, new JsonDocumentOptions { MaxDepth = 64 }); referenceAccepts = true; }
            catch (JsonException) { referenceAccepts = false; }
            var d = TestKit.Engine.Route(mutated);
            // Errors are reported in document order, so a body cut inside an image payload may be invalid_image_data first.
            return referenceAccepts || !d.Succeeded;
        }));
    }
}

/// <summary>The plain System.Text.Json DOM way to extract the same facts (the differential reference).</summary>
internal static class ReferenceExtractor
{
    public sealed record Facts(string Model, List<(bool IsUrl, int W, int H, ImageFormat Format)> Images, bool Tools, bool JsonSchema, bool Reasoning, bool ImageOutput, long MaxTokens);

    public static Facts Extract(byte[] body)
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        var images = new List<(bool, int, int, ImageFormat)>();
        if (root.TryGetProperty("messages", out var messages))
        {
            foreach (var m in messages.EnumerateArray())
            {
                if (!m.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array) continue;
                foreach (var part in content.EnumerateArray())
                {
                    string? url = null, data = null;
                    if (part.TryGetProperty("image_url", out var iu)) url = iu.ValueKind == JsonValueKind.String ? iu.GetString() : iu.GetProperty("url").GetString();
                    if (part.TryGetProperty("source", out var src)) { if (src.TryGetProperty("data", out var d)) data = d.GetString(); else url = src.GetProperty("url").GetString(); }
                    if (url is not null && url.StartsWith("data:", StringComparison.Ordinal)) { data = url[(url.IndexOf(',') + 1)..]; url = null; }
                    if (url is not null) { images.Add((true, 0, 0, ImageFormat.Unknown)); continue; }
                    if (data is null) continue;
                    var bytes = Convert.FromBase64String(data);
                    images.Add(DomSniff(bytes));
                }
            }
        }
        return new Facts(root.GetProperty("model").GetString()!, images,
            root.TryGetProperty("tools", out var tools) && tools.GetArrayLength() > 0,
            root.TryGetProperty("response_format", out var rf) && rf.ValueKind == JsonValueKind.Object && rf.GetProperty("type").GetString() == "json_schema",
            root.TryGetProperty("reasoning_effort", out _) || root.TryGetProperty("thinking", out _),
            root.TryGetProperty("prompt", out _) || (root.TryGetProperty("modalities", out var mo) && mo.EnumerateArray().Any(x => x.GetString() == "image")),
            root.TryGetProperty("max_tokens", out var mt) ? mt.GetInt64() : -1);
    }

    private static (bool, int, int, ImageFormat) DomSniff(byte[] b)
    {
        if (b[0] == 0x89) return (false, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(20)), ImageFormat.Png);
        if (b[0] == 0xFF) return (false, b[27] << 8 | b[28], b[25] << 8 | b[26], ImageFormat.Jpeg);
        if (b[0] == (byte)'G') return (false, b[6] | b[7] << 8, b[8] | b[9] << 8, ImageFormat.Gif);
        return (false, 1 + (b[24] | b[25] << 8 | b[26] << 16), 1 + (b[27] | b[28] << 8 | b[29] << 16), ImageFormat.WebP);
    }
}

/// <summary>The policy's early exit (R-POL-3) and the catalog frontier (R-POL-5) never change a decision.</summary>
public class EarlyExitProperties
{
    private static RoutingEngine LargeCatalog(string policy)
    {
        var defaults = DefaultCatalog.LoadOptions();
        var options = new RoutingOptions { Policy = policy };
        foreach (var (k, v) in defaults.Aliases) options.Aliases[k] = v;
        int i = 0;
        foreach (var (k, v) in defaults.Models.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            options.Models[k] = v;
            for (int copy = 0; copy < 6; copy++, i++)
            {
                options.Models[$"{k}-v{copy}"] = new ModelOptions
                {
                    Provider = v.Provider, Tier = v.Tier, Capabilities = v.Capabilities, ContextWindow = v.ContextWindow,
                    MaxOutputTokens = v.MaxOutputTokens, DefaultOutputTokens = v.DefaultOutputTokens, ImageInput = v.ImageInput, ImageOutput = v.ImageOutput,
                    InputPerMillion = v.InputPerMillion * (1 + copy % 3), OutputPerMillion = v.OutputPerMillion,
                    Quality = copy == 0 ? v.Quality : Math.Round(v.Quality * (0.6 + 0.07 * copy), 3),
                };
            }
        }
        return new RoutingEngine(options);
    }

    [Theory]
    [InlineData("balanced")]
    [InlineData("quality")]
    [InlineData("cheapest")]
    public void EarlyExit_GivesTheSameDecisionAsFullEvaluation_Meets_Specification(string policy)
    {
        var engine = LargeCatalog(policy);
        Assert.Contains(engine.Catalog.Aliases, a => a.Frontier.Length < a.Candidates.Length);
        AssertSameAsFullEvaluation(engine, 200);
    }

    /// <summary>Explaining walks every candidate with no early exit; routing without it walks the frontier.</summary>
    private static void AssertSameAsFullEvaluation(RoutingEngine engine, int runs)
    {
        var ids = engine.Catalog.Aliases.Select(a => a.Id).ToArray();
        var full = new RouteDetails { Explain = true };
        var gen = from spec in RoutingGenerators.Request(ids)
                  from budget in Gen.Elements<decimal?>(null, null, 0.00001m, 0.001m, 0.05m)
                  select (spec, budget);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(runs), Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var body = t.spec.ToJson();
            var context = new RouteContext { MaxCostUsd = t.budget };
            var fast = engine.Route(body, context);
            var slow = engine.Route(body, context, full);
            Assert.Equal(slow.ModelId, fast.ModelId);
            Assert.Equal(slow.ErrorCode, fast.ErrorCode);
            Assert.Equal(slow.Error.Message, fast.Error.Message);
            Assert.Equal(slow.Estimate, fast.Estimate);
            Assert.Equal(slow.FallbackCount, fast.FallbackCount);
            for (int i = 0; i < fast.FallbackCount; i++) Assert.Equal(slow.GetFallback(i).Id, fast.GetFallback(i).Id);
        }));
    }

    /// <summary>Generated catalogs with near-copies of every model: same, better and worse on each axis.</summary>
    [Fact]
    public void Frontier_GivesTheSameDecisionOnGeneratedCatalogsWithNearCopies_Meets_Specification()
    {
        var gen = from options in CatalogGenerators.Catalog()
                  from tweaks in Gen.ListOf(Gen.Choose(0, 7), 64)
                  select (options, tweaks);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(150), Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var o = t.options;
            int k = 0;
            foreach (var (id, m) in o.Models.ToList())
            {
                for (int copy = 0; copy < 4; copy++, k++)
                {
                    int tweak = t.tweaks[k % t.tweaks.Count];
                    o.Models[$"{id}-c{copy}"] = new ModelOptions
                    {
                        Provider = m.Provider, Tier = m.Tier, Capabilities = m.Capabilities, ContextWindow = tweak == 1 ? 0 : m.ContextWindow,
                        MaxOutputTokens = tweak == 7 ? m.DefaultOutputTokens : m.MaxOutputTokens, DefaultOutputTokens = tweak == 2 ? m.DefaultOutputTokens + 100 : tweak == 6 ? m.DefaultOutputTokens / 2 : m.DefaultOutputTokens,
                        InputPerMillion = m.InputPerMillion + (tweak == 3 ? 0.5m : 0), OutputPerMillion = tweak == 6 ? m.OutputPerMillion * 2 : m.OutputPerMillion,
                        Quality = Math.Clamp(m.Quality + (tweak == 4 ? 0.05 : tweak == 5 ? -0.05 : 0), 0, 1),
                        ImageInput = m.ImageInput, ImageOutput = m.ImageOutput,
                    };
                }
            }
            AssertSameAsFullEvaluation(new RoutingEngine(o), 20);
        }));
    }
}
