namespace RoutingCore.Tests.Routing;

public class RoutingTests
{
    private static readonly string Png = TestKit.DataUri("image/png", TestKit.Image("photo-640x480.png"));
    private static RouteDecision Route(byte[] body, RouteContext context = default) => TestKit.Engine.Route(body, context);
    private static byte[] Text(string model, string extra = "") => TestKit.Utf8($$"""{"model":"{{model}}"{{extra}},"messages":[{"role":"user","content":"hello there"}]}""");

    [Fact]
    public void Auto_WithImage_NeverPicksAModelWithoutVision()
    {
        var (d, details) = TestKit.Route(TestKit.Chat("flux-auto", Png), explain: true);
        Assert.True(d.Succeeded);
        Assert.True(d.Model!.Has(Capabilities.Vision));
        Assert.Equal(AliasKind.Auto, d.AliasKind);
        Assert.Equal(3, d.FallbackCount);
        Assert.All(details.Candidates.Where(c => c.Status != "rejected"), c => Assert.True(c.Model.Has(Capabilities.Vision)));
    }

    [Fact]
    public void Tier_RoutesWithinTheTier()
    {
        var d = Route(Text("flux-fast"));
        Assert.Equal(AliasKind.Tier, d.AliasKind);
        Assert.Equal("fast", d.Model!.Tier);
        for (int i = 0; i < d.FallbackCount; i++) Assert.Equal("fast", d.GetFallback(i).Tier);
    }

    [Fact]
    public void Image_RoutesToImageModels()
    {
        var d = Route(TestKit.Utf8("""{"model":"flux-image","prompt":"a fox"}"""));
        Assert.Equal(AliasKind.Image, d.AliasKind);
        Assert.True(d.Model!.Has(Capabilities.ImageOutput));
        Assert.Equal(RequestEndpoint.ImageGenerations, d.Endpoint);
    }

    [Fact]
    public void Pinned_YieldsExactlyItsModel()
    {
        var d = Route(Text("flux-pinned-gpt-5"));
        Assert.Equal(("gpt-5", AliasKind.Pinned), (d.ModelId, d.AliasKind));
        Assert.Equal(0, d.FallbackCount);
    }

    [Fact]
    public void Direct_YieldsExactlyThatModel()
    {
        var d = Route(Text("claude-haiku-4-5"));
        Assert.Equal(("claude-haiku-4-5", AliasKind.Direct), (d.ModelId, d.AliasKind));
    }

    [Theory]
    [InlineData(" GPT-5 ")]
    [InlineData("openai/gpt-5")]
    [InlineData("OpenAI/GPT-5")]
    public void ModelId_SpellingsNormaliseToTheCanonicalId(string spelled)
    {
        Assert.Equal("gpt-5", Route(Text(spelled)).ModelId);
    }

    [Fact]
    public void ModelId_WithForeignProviderPrefix_IsUnknown()
    {
        Assert.Equal("unknown_model", Route(Text("anthropic/gpt-5")).ErrorCode);
    }

    [Fact]
    public void AllowList_CannotBeBypassedBySpelling()
    {
        var ctx = new RouteContext { AllowedModels = new HashSet<string>(["claude-haiku-4-5"], StringComparer.OrdinalIgnoreCase) };
        Assert.Equal("model_not_allowed", Route(Text("OpenAI/GPT-5"), ctx).ErrorCode);
        Assert.Equal("model_not_allowed", Route(Text("flux-pinned-gpt-5"), ctx).ErrorCode);
        Assert.Equal("claude-haiku-4-5", Route(Text("flux-auto"), ctx).ModelId);
    }

    [Fact]
    public void PinnedTextOnlyModelWithImage_IsModelLacksCapability_NamingVision()
    {
        var options = DefaultCatalog.LoadOptions();
        options.Models["text-only"] = new ModelOptions { Provider = "x", Tier = "fast", Capabilities = ["text"], InputPerMillion = 1, OutputPerMillion = 1, DefaultOutputTokens = 10 };
        options.Aliases["pin-text"] = new AliasOptions { Kind = "pinned", Model = "text-only" };
        var engine = new RoutingEngine(options);
        var d = engine.Route(TestKit.Chat("pin-text", Png));
        Assert.Equal("model_lacks_capability", d.ErrorCode);
        Assert.Equal(Capabilities.Vision, d.Error.MissingCapabilities);
        Assert.Contains("vision", d.Error.Message);
        Assert.Equal("messages[0].content[1]", d.Error.Param.ToString());
        Assert.Null(d.ModelId);
    }

    [Fact]
    public void DirectModelWithoutTools_IsModelLacksCapability()
    {
        var d = Route(TestKit.Utf8("""{"model":"phi-4-multimodal-instruct","tools":[{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":"x"}]}"""));
        Assert.Equal(("model_lacks_capability", "tools"), (d.ErrorCode, d.Error.Param.ToString()));
    }

    [Fact]
    public void TooManyImages_ForThePinnedModel_IsTooManyImages()
    {
        var d = Route(TestKit.Chat("claude-haiku-4-5", Enumerable.Repeat("https://images.example.com/a.png", 101).ToArray()));
        Assert.Equal("too_many_images", d.ErrorCode);
    }

    [Fact]
    public void AutoWithImageOutput_RoutesLikeImage_WithWarning()
    {
        var d = Route(TestKit.Utf8("""{"model":"flux-auto","messages":[{"role":"user","content":"a fox"}],"modalities":["image"]}"""));
        Assert.True(d.Model!.Has(Capabilities.ImageOutput));
        Assert.True(d.Warnings.HasFlag(RouteWarnings.AutoAliasImageGeneration));
    }

    [Fact]
    public void ImageSizeNotOffered_ByPinnedModel_IsInvalidParameter()
    {
        var d = Route(TestKit.Utf8("""{"model":"flux_pro","prompt":"fox","size":"4096x4096"}"""));
        Assert.Equal(("invalid_parameter", "size"), (d.ErrorCode, d.Error.Param.ToString()));
        var n = Route(TestKit.Utf8("""{"model":"flux_pro","prompt":"fox","n":5}"""));
        Assert.Equal(("invalid_parameter", "n"), (n.ErrorCode, n.Error.Param.ToString()));
    }

    [Fact]
    public void MaxTokensAboveModelLimit_IsInvalidParameter()
    {
        Assert.Equal("invalid_parameter", Route(Text("gpt-4o", ",\"max_tokens\":100000")).ErrorCode);
    }

    [Fact]
    public void ContextLengthExceeded_WhenInputPlusOutputIsAboveTheWindow()
    {
        // 130,000 words: over gpt-4o's 128k window (o200k_base: one token per " word"), inside gpt-5's 400k.
        var big = string.Concat(Enumerable.Repeat("word ", 130_000));
        var d = Route(TestKit.Utf8($$"""{"model":"gpt-4o","messages":[{"role":"user","content":"{{big}}"}]}"""));
        Assert.Equal("context_length_exceeded", d.ErrorCode);
        Assert.True(Route(TestKit.Utf8($$"""{"model":"gpt-5","messages":[{"role":"user","content":"{{big}}"}]}""")).Succeeded);
    }

    [Fact]
    public void NoEligibleModel_ListsTheReasons()
    {
        var d = Route(TestKit.ChatImage("flux-fast", "scan-50x40.tiff"));
        Assert.Equal("no_eligible_model", d.ErrorCode);
        Assert.Contains("unsupported_image_format", d.Error.Message);
    }

    [Fact]
    public void OverBudget_ForPinnedAndForAliasWhenNothingIsCheapEnough()
    {
        var ctx = new RouteContext { MaxCostUsd = 0.000001m };
        Assert.Equal("over_budget", Route(Text("gpt-5"), ctx).ErrorCode);
        Assert.Equal("over_budget", Route(Text("flux-auto"), ctx).ErrorCode);
    }

    [Fact]
    public void Budget_FiltersAliasCandidates()
    {
        var ctx = new RouteContext { MaxCostUsd = 0.005m };
        var d = Route(Text("flux-auto"), ctx);
        Assert.True(d.Succeeded);
        Assert.True(d.Estimate.CostUsd <= 0.005m);
    }

    [Fact]
    public void CheapestPolicy_PicksMinimumCost_AndTiesBreakByOrdinalId()
    {
        var options = new RoutingOptions { Policy = "cheapest" };
        foreach (var id in new[] { "b-model", "a-model", "c-model" })
            options.Models[id] = new ModelOptions { Provider = "p", Tier = "t", Capabilities = ["text"], InputPerMillion = 1, OutputPerMillion = 1, DefaultOutputTokens = 10 };
        options.Models["c-model"].InputPerMillion = 0.5m;
        options.Aliases["auto"] = new AliasOptions { Kind = "auto" };
        var engine = new RoutingEngine(options);
        var d = engine.Route(Text("auto"));
        Assert.Equal("c-model", d.ModelId);
        Assert.Equal(["a-model", "b-model"], Enumerable.Range(0, d.FallbackCount).Select(i => d.GetFallback(i).Id));
    }

    [Fact]
    public void QualityPolicy_TiesBreakByLowerCost()
    {
        var options = new RoutingOptions { Policy = "quality" };
        options.Models["x"] = new ModelOptions { Provider = "p", Tier = "t", Quality = 0.9, Capabilities = ["text"], InputPerMillion = 2, OutputPerMillion = 2, DefaultOutputTokens = 10 };
        options.Models["y"] = new ModelOptions { Provider = "p", Tier = "t", Quality = 0.9, Capabilities = ["text"], InputPerMillion = 1, OutputPerMillion = 1, DefaultOutputTokens = 10 };
        options.Aliases["auto"] = new AliasOptions { Kind = "auto" };
        Assert.Equal("y", new RoutingEngine(options).Route(Text("auto")).ModelId);
    }

    [Fact]
    public void Decisions_AreDeterministic()
    {
        var body = TestKit.Chat("flux-auto", Png, "https://images.example.com/a.png");
        var first = Route(body);
        for (int i = 0; i < 50; i++)
        {
            var again = Route(body);
            Assert.Equal(first.ModelId, again.ModelId);
            Assert.Equal(first.Estimate, again.Estimate);
            Assert.Equal(first.GetFallback(0).Id, again.GetFallback(0).Id);
        }
    }

    [Fact]
    public void RequestFieldsNamingBaseUrlsOrKeys_DoNotChangeTheDecision()
    {
        var plain = Route(Text("flux-auto"));
        var hostile = Route(TestKit.Utf8("""{"model":"flux-auto","api_base":"https://evil.example","base_url":"http://127.0.0.1","api_key":"sk-x","provider":{"order":["evil"]},"extra_body":{"api_base":"x"},"messages":[{"role":"user","content":"hello there"}]}"""));
        Assert.Equal(plain.ModelId, hostile.ModelId);
        Assert.Equal(plain.Model!.Provider, hostile.Model!.Provider);
    }

    [Fact]
    public void ImageBeforeText_Warns()
    {
        var body = TestKit.Utf8($$"""{"model":"gpt-5","messages":[{"role":"user","content":[{"type":"image_url","image_url":"{{Png}}"},{"type":"text","text":"what?"}]}]}""");
        var (d, details) = TestKit.Route(body);
        Assert.True(d.Warnings.HasFlag(RouteWarnings.ImageBeforeText));
        Assert.True(details.Images[0].BeforeText);
        Assert.Equal(ImagePartShape.OpenAIImageUrlString, details.Images[0].Shape);
    }

    [Fact]
    public void AnthropicImageBlocks_AreReadInOrderWithPaths()
    {
        var b64 = Convert.ToBase64String(TestKit.Image("photo-1024x768.jpg"));
        var body = TestKit.Utf8($$"""{"model":"flux-pinned-claude-sonnet","max_tokens":1024,"system":"be brief","messages":[{"role":"user","content":[{"type":"text","text":"compare"},{"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"{{b64}}"} },{"type":"image","source":{"type":"url","url":"https://images.example.com/b.png"} }]}]}""");
        var (d, details) = TestKit.Route(body);
        Assert.True(d.Succeeded, d.Error.ToString());
        Assert.Equal(RequestEndpoint.Messages, d.Endpoint);
        Assert.Equal(2, details.Images.Length);
        Assert.Equal(("messages[0].content[1]", ImageSourceKind.Data), (details.Images[0].Param, details.Images[0].Source));
        Assert.Equal(("messages[0].content[2]", ImageSourceKind.Url), (details.Images[1].Param, details.Images[1].Source));
        Assert.Equal(ImageTokens.Anthropic(28, 1568, 1568, 1024, 768) + 1568, d.Estimate.ImageTokens);
    }

    [Theory]
    [InlineData("\"thinking\":{\"type\":\"disabled\"}", false)]
    [InlineData("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}", true)]
    [InlineData("\"reasoning_effort\":\"none\"", false)]
    [InlineData("\"reasoning_effort\":\"low\"", true)]
    [InlineData("\"reasoning\":{\"effort\":\"none\"}", false)]
    [InlineData("\"reasoning\":{\"enabled\":false}", false)]
    [InlineData("\"reasoning\":{\"effort\":\"high\"}", true)]
    [InlineData("\"reasoning\":{}", true)]
    public void Reasoning_IsRequiredUnlessTheRequestTurnsItOff(string field, bool required)
    {
        // Sent to the chat endpoint: `thinking` alone would make an inferred body Anthropic's, which gpt-4o's upstream does not take.
        var d = Route(TestKit.Utf8("{\"model\":\"gpt-4o\"," + field + ",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
            new RouteContext { Endpoint = RequestEndpoint.ChatCompletions });
        Assert.Equal(required, d.Requirements.HasFlag(Capabilities.Reasoning));
        // gpt-4o has no reasoning: a request that turns it off is routed, one that asks for it is refused.
        Assert.Equal(required ? "model_lacks_capability" : null, d.ErrorCode);
    }

    [Fact]
    public void Requirements_AreDerivedFromTheBody()
    {
        var d = Route(TestKit.Utf8("""{"model":"flux-auto","tools":[{"type":"function","function":{"name":"f"}}],"response_format":{"type":"json_schema","json_schema":{}},"reasoning_effort":"high","messages":[{"role":"user","content":"x"}]}"""));
        Assert.Equal(Capabilities.Text | Capabilities.Tools | Capabilities.JsonSchema | Capabilities.Reasoning, d.Requirements);
        Assert.True(d.Model!.Has(d.Requirements));
    }
}

public class ServingOrderTests
{
    [Fact]
    public void ServingModels_AreTheChosenModelThenEachDistinctFallback_AndNoneOnRejection()
    {
        var d = TestKit.Engine.Route(TestKit.Utf8("""{"model":"flux-auto","messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal(1 + d.FallbackCount, d.ServingModelCount);
        var order = Enumerable.Range(0, d.ServingModelCount).Select(d.GetServingModel).ToList();
        Assert.Same(d.Model, order[0]);
        Assert.Equal(Enumerable.Range(0, d.FallbackCount).Select(d.GetFallback), order.Skip(1));
        Assert.Equal(order.Count, order.Distinct().Count());
        Assert.Throws<ArgumentOutOfRangeException>(() => d.GetServingModel(d.ServingModelCount));
        var rejected = TestKit.Engine.Route(TestKit.Utf8("""{"model":"nope","messages":[]}"""));
        Assert.Equal(0, rejected.ServingModelCount);
        Assert.Equal(0, default(RouteDecision).ServingModelCount);
    }
}
