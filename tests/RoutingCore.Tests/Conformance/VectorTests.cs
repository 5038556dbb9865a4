using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RoutingCore.Tests.Conformance;

/// <summary>Runs every conformance vector of spec/vectors against the embedded default catalog.</summary>
public partial class VectorTests
{
    private static string VectorDir => Path.Combine(AppContext.BaseDirectory, "vectors");

    public static TheoryData<string> Vectors()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(VectorDir, "*.json").Order(StringComparer.Ordinal)) data.Add(Path.GetFileNameWithoutExtension(f));
        return data;
    }

    [GeneratedRegex(@"\{\{(data|b64):([^}|]+)(\|([^}]+))?\}\}")]
    private static partial Regex Placeholder();

    internal static byte[] BodyOf(JsonElement request) => Body(request);

    internal static RequestEndpoint EndpointOf(JsonElement vector) => vector.GetProperty("endpoint").GetString() switch
    {
        "chat" => RequestEndpoint.ChatCompletions, "messages" => RequestEndpoint.Messages, "images" => RequestEndpoint.ImageGenerations,
        "responses" => RequestEndpoint.Responses, _ => RequestEndpoint.Auto,
    };

    private static byte[] Body(JsonElement request)
    {
        string text = request.ValueKind == JsonValueKind.String ? request.GetString()! : request.GetRawText();
        text = Placeholder().Replace(text, m =>
        {
            var bytes = TestKit.Image(m.Groups[2].Value);
            return m.Groups[1].Value == "b64" ? Convert.ToBase64String(bytes)
                : TestKit.DataUri(m.Groups[4].Success ? m.Groups[4].Value : TestKit.MediaTypeOf(m.Groups[2].Value), bytes);
        });
        return Encoding.UTF8.GetBytes(text);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Vector_MatchesExpectedDecision(string id)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(VectorDir, id + ".json")));
        var v = doc.RootElement;
        var context = new RouteContext
        {
            Endpoint = v.GetProperty("endpoint").GetString() switch
            {
                "chat" => RequestEndpoint.ChatCompletions, "messages" => RequestEndpoint.Messages, "images" => RequestEndpoint.ImageGenerations,
        "responses" => RequestEndpoint.Responses, _ => RequestEndpoint.Auto,
            },
        };
        if (v.TryGetProperty("context", out var c))
        {
            if (c.TryGetProperty("allow", out var allow))
                context = context with { AllowedModels = new HashSet<string>(allow.EnumerateArray().Select(a => a.GetString()!), StringComparer.OrdinalIgnoreCase) };
            if (c.TryGetProperty("max_cost_usd", out var max)) context = context with { MaxCostUsd = decimal.Parse(max.GetString()!, System.Globalization.CultureInfo.InvariantCulture) };
        }
        var (d, details) = TestKit.Route(Body(v.GetProperty("request")), context);
        var e = v.GetProperty("expect");
        Assert.Equal(e.GetProperty("ok").GetBoolean(), d.Succeeded);
        if (e.TryGetProperty("model", out var model)) Assert.Equal(model.GetString(), d.ModelId);
        if (e.TryGetProperty("alias_kind", out var kind)) Assert.Equal(kind.GetString(), AliasEntry.KindName(d.AliasKind));
        if (e.TryGetProperty("endpoint", out var ep)) Assert.Equal(ep.GetString(), RequestNames.Endpoint(d.Endpoint));
        if (e.TryGetProperty("requires", out var req)) Assert.Equal(req.EnumerateArray().Select(x => x.GetString()), CapabilityNames.Names(d.Requirements));
        if (e.TryGetProperty("model_has", out var has))
            foreach (var cap in has.EnumerateArray()) { Assert.True(CapabilityNames.TryParse(cap.GetString(), out var flag)); Assert.True(d.Model!.Has(flag)); }
        if (e.TryGetProperty("image_tokens", out var it)) Assert.Equal(it.GetInt64(), d.Estimate.ImageTokens);
        if (e.TryGetProperty("cost_usd", out var cost)) Assert.Equal(decimal.Parse(cost.GetString()!, System.Globalization.CultureInfo.InvariantCulture), d.Estimate.CostUsd);
        if (e.TryGetProperty("warnings", out var w)) Assert.Equal(w.EnumerateArray().Select(x => x.GetString()), RouteErrors.WarningNames(d.Warnings));
        if (e.TryGetProperty("images", out var imgs))
        {
            int i = 0;
            foreach (var img in imgs.EnumerateArray())
            {
                var fact = details.Images[i++];
                Assert.Equal(img.GetProperty("format").GetString(), ImageFormats.Name(fact.Format));
                Assert.Equal((img.GetProperty("width").GetInt32(), img.GetProperty("height").GetInt32()), (fact.Width, fact.Height));
            }
        }
        if (e.TryGetProperty("difficulty_below", out var below)) Assert.True(d.Difficulty < below.GetDouble(), $"difficulty {d.Difficulty}");
        if (e.TryGetProperty("difficulty_above", out var above)) Assert.True(d.Difficulty > above.GetDouble(), $"difficulty {d.Difficulty}");
        if (e.TryGetProperty("model_quality_at_least", out var qa)) Assert.True(d.Model!.Quality >= qa.GetDouble(), $"quality {d.Model!.Quality}");
        if (e.TryGetProperty("model_quality_at_most", out var qb)) Assert.True(d.Model!.Quality <= qb.GetDouble(), $"quality {d.Model!.Quality}");
        if (e.TryGetProperty("error", out var err))
        {
            Assert.Equal(err.GetProperty("code").GetString(), d.ErrorCode);
            if (err.TryGetProperty("param", out var p)) Assert.Equal(p.GetString(), d.Error.Param.ToString());
            Assert.False(string.IsNullOrEmpty(d.Error.Message));
        }
    }

    [Fact]
    public void ErrorCodeCoverage_EveryCodeHasAVector()
    {
        var covered = new HashSet<string>();
        foreach (var f in Directory.GetFiles(VectorDir, "*.json"))
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(f));
            if (doc.RootElement.GetProperty("expect").TryGetProperty("error", out var err)) covered.Add(err.GetProperty("code").GetString()!);
        }
        foreach (var code in RouteErrors.AllCodes) Assert.Contains(code, covered);
    }
}
