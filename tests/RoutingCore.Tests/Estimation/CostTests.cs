using FsCheck;
using FsCheck.Fluent;

namespace RoutingCore.Tests.Estimation;

public class CostTests
{
    private static RouteDecision Route(string json) => TestKit.Engine.Route(TestKit.Utf8(json));

    [Fact]
    public void Cost_IsInputTimesInputPricePlusOutputTimesOutputPrice()
    {
        var d = Route("""{"model":"gpt-5","max_tokens":1000,"messages":[{"role":"user","content":"abcdefgh"}]}""");
        // text: 3 tokens (one word 21 + b, g ×9 + h ×30 + rare f, g deep in the word ×21 + the rare pair fg ×48 + third
        // consonants d, h ×15 = 189/64) + 3 priming + 4 per message = 10
        Assert.Equal(10, d.Estimate.TextTokens);
        Assert.Equal(1000, d.Estimate.OutputTokens);
        Assert.Equal(10 * 1.25m / 1_000_000 + 1000 * 10m / 1_000_000, d.Estimate.CostUsd);
    }

    [Fact]
    public void OutputTokens_DefaultToTheModelsDefault_AndMultiplyByN()
    {
        var d = Route("""{"model":"gpt-5","n":3,"messages":[{"role":"user","content":"hi"}]}""");
        Assert.Equal(3 * 4096, d.Estimate.OutputTokens);
        var m = Route("""{"model":"gpt-5","max_completion_tokens":50,"max_tokens":70,"messages":[{"role":"user","content":"hi"}]}""");
        Assert.Equal(50, m.Estimate.OutputTokens);
    }

    [Theory]
    [InlineData("gpt-image-1", """ "size":"1024x1536","quality":"medium" """, 0.063)]
    [InlineData("gpt-image-1", """ "size":"1024x1536" """, 0.25)]
    [InlineData("gpt-image-1", """ "size":"1024x1536","quality":"auto" """, 0.25)]
    [InlineData("gpt-image-1", """ "quality":"low" """, 0.011)]
    [InlineData("dall-e-3", """ "size":"1792x1024","quality":"standard" """, 0.08)]
    [InlineData("dall-e-3", """ "size":"1792x1024" """, 0.12)]
    [InlineData("dall-e-2", """ "size":"512x512" """, 0.018)]
    [InlineData("flux_pro", """ "size":"1024x768" """, 0.05)]
    public void ImagePrice_LooksUpSizeQualityThenSizeThenQualityThenPerImage(string model, string fields, decimal price)
    {
        var d = Route($$"""{"model":"{{model}}","prompt":"a fox",{{fields}} }""");
        Assert.True(d.Succeeded, d.Error.ToString());
        Assert.Equal(price, d.Estimate.CostUsd);
        Assert.Equal(1, d.Estimate.OutputImages);
    }

    [Fact]
    public void ChatImageOutput_NumImages_MultipliesThePrice()
    {
        var d = Route("""{"model":"flux_pro","messages":[{"role":"user","content":"fox"}],"modalities":["image"],"image_config":{"num_images":3}}""");
        Assert.Equal(3, d.Estimate.OutputImages);
        Assert.Equal(0.15m, d.Estimate.CostUsd);
    }

    [Fact]
    public void Cost_GrowsWithN_Meets_Specification()
    {
        Prop.ForAll(Gen.Choose(1, 9).ToArbitrary(), n =>
        {
            var a = Route($$"""{"model":"gpt-image-1","prompt":"fox","n":{{n}} }""").Estimate.CostUsd;
            var b = Route($$"""{"model":"gpt-image-1","prompt":"fox","n":{{n + 1}} }""").Estimate.CostUsd;
            return b > a;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Cost_GrowsWithImageCount_Meets_Specification()
    {
        var uri = TestKit.DataUri("image/png", TestKit.Image("photo-640x480.png"));
        Prop.ForAll(Gen.Choose(0, 6).ToArbitrary(), n =>
        {
            var a = TestKit.Engine.Route(TestKit.Chat("gpt-5", Enumerable.Repeat(uri, n).ToArray())).Estimate.CostUsd;
            var b = TestKit.Engine.Route(TestKit.Chat("gpt-5", Enumerable.Repeat(uri, n + 1).ToArray())).Estimate.CostUsd;
            return b > a;
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>The rule of R-EST-11 worked by hand, in 1/64 token.</summary>
    [Theory]
    // letters 0; 2 upper ×2; h, h ×30; 1 word ×21 + 5 words after a space ×35; 2 upper→lower transitions ×32; the third
    // consonant d in "world" ×15; 3 punctuation ×64; 5 spaces ×34 = 701 → 11
    [InlineData("Hello, world! How are you today?", 11)]
    // 13 Cyrillic ×45 + 2 punctuation ×64 + 2 spaces ×34 = 781 → 13
    [InlineData("Привет, как дела?", 13)]
    // 9 Georgian ×132 = 1188 → 19
    [InlineData("გამარჯობა", 19)]
    // 6 Devanagari ×82 = 492 → 8
    [InlineData("नमस्ते", 8)]
    // 4 CJK ×125 + 6 kana ×64 = 884 → 14
    [InlineData("今日はいい天気ですね", 14)]
    // 2 emoji ×128 = 256 → 4
    [InlineData("🙂🙂", 4)]
    // one run of 20 hex characters: 1 word ×21 + 8 digits ×64 + 3 letter/digit transitions ×32 + 12 characters deeper
    // than 8 into the run ×9 + b, b ×9 + rare b, f, b inside the run ×21 + the third consonant d of "bcd" ×15 = 833 → 14
    [InlineData("deadbeef0123abcd4567", 14)]
    public void HeuristicCounter_MatchesItsDocumentedRule(string text, long tokens)
    {
        Assert.Equal(tokens, HeuristicTokenCounter.Instance.CountTokens(System.Text.Encoding.UTF8.GetBytes(text)));
    }
}

public class MoneyTests
{
    [Theory]
    [InlineData(long.MaxValue, 2, long.MaxValue)]
    [InlineData(3_000_000_000L, 10_000_000_000L, long.MaxValue)]
    [InlineData(3_000_000L, 10_000_000_000L, 30_000_000_000_000_000L)]
    [InlineData(0, long.MaxValue, 0)]
    public void Multiply_SaturatesInsteadOfWrapping(long a, long b, long expected)
    {
        Assert.Equal(expected, RoutingCore.Estimation.Money.Multiply(a, b));
    }

    [Fact]
    public void Add_SaturatesInsteadOfWrapping()
    {
        Assert.Equal(long.MaxValue, RoutingCore.Estimation.Money.Add(long.MaxValue, 1));
        Assert.Equal(5, RoutingCore.Estimation.Money.Add(2, 3));
    }

    [Fact]
    public void EscapedBackslashBeforeU_IsNotASurrogateEscape()
    {
        var d = TestKit.Engine.Route(TestKit.Utf8("""{"model":"gpt-5","messages":[{"role":"user","content":"path C:\\ud800\\x"}]}"""));
        Assert.True(d.Succeeded, d.Error.ToString());
    }
}
