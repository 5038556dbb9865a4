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
        // text: 2 tokens + 3 priming + 4 per message = 9
        Assert.Equal(9, d.Estimate.TextTokens);
        Assert.Equal(1000, d.Estimate.OutputTokens);
        Assert.Equal(9 * 1.25m / 1_000_000 + 1000 * 10m / 1_000_000, d.Estimate.CostUsd);
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

    [Theory]
    [InlineData("Hello, world! How are you today?", 8)]
    [InlineData("Привет, как дела?", 8)]
    [InlineData("今日はいい天気ですね", 10)]
    [InlineData("🙂🙂", 4)]
    public void HeuristicCounter_MatchesItsDocumentedRule(string text, long tokens)
    {
        Assert.Equal(tokens, HeuristicTokenCounter.Instance.CountTokens(System.Text.Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The prompts of spec/estimation.md's accuracy table: the C# counter gives the table's heuristic column.</summary>
    [Theory]
    [InlineData("What is the capital of Australia, and why was it chosen over Sydney and Melbourne? Please answer in two short paragraphs.", 31)] // English question
    [InlineData("You are a helpful assistant for a travel agency. Always answer politely, never invent prices, and when you do not know something, say so and suggest where the customer could find the answer.", 48)] // English instructions
    [InlineData("def fibonacci(n: int) -> list[int]:\n    seq = [0, 1]\n    while len(seq) < n:\n        seq.append(seq[-1] + seq[-2])\n    return seq[:n]\n\nprint(fibonacci(10))\n", 39)] // Python code
    [InlineData("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Get the current weather for a city\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"unit\":{\"type\":\"string\",\"enum\":[\"celsius\",\"fahrenheit\"]}},\"required\":[\"city\"]}}}", 63)] // JSON tool schema
    [InlineData("Привет! Расскажи, пожалуйста, как работает маршрутизация запросов между разными языковыми моделями.", 47)] // Russian
    [InlineData("Könnten Sie mir bitte erklären, wie die Straßenbahn in München funktioniert und wo ich Fahrkarten kaufe?", 27)] // German
    [InlineData("東京で一番おいしいラーメン屋さんを教えてください。予算は千円くらいです。", 36)] // Japanese
    [InlineData("请用三句话解释什么是大型语言模型，以及它们如何处理图片输入。", 30)] // Chinese
    [InlineData("مرحبا، هل يمكنك مساعدتي في كتابة رسالة شكر قصيرة لزميلي في العمل؟", 30)] // Arabic
    [InlineData("कृपया मुझे बताइए कि कल दिल्ली में मौसम कैसा रहेगा।", 44)] // Hindi
    [InlineData("Great job team 🎉🎉 the launch went smoothly 🚀 see you all at the party tonight 🍕🍻", 29)] // Emoji chat
    public void HeuristicCounter_MatchesTheMeasuredAccuracyTable(string text, long tokens)
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
