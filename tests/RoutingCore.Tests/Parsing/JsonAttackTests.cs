namespace RoutingCore.Tests.Parsing;

/// <summary>ATTACKS.md, the JSON table: one named test per row.</summary>
public class JsonAttackTests
{
    private static (string? Code, string Param) Run(string json, RequestEndpoint endpoint = RequestEndpoint.Auto)
        => Run(TestKit.Utf8(json), endpoint);

    private static (string? Code, string Param) Run(byte[] body, RequestEndpoint endpoint = RequestEndpoint.Auto)
    {
        var d = TestKit.Engine.Route(body, new RouteContext { Endpoint = endpoint });
        return (d.ErrorCode, d.Error.Param.ToString());
    }

    private const string Msgs = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    [Theory]
    [InlineData("""{"model":"cheap","model":"gpt-5","messages":[{"role":"user","content":"hi"}]}""", "model")]
    [InlineData("""{"model":"gpt-5","messages":[],"messages":[{"role":"user","content":"hi"}]}""", "messages")]
    [InlineData("""{"model":"gpt-5","mo\u0064el":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""", "model")]
    [InlineData("""{"model":"gpt-5","messages":[{"role":"user","content":"a","content":"b"}]}""", "messages[0].content")]
    [InlineData("""{"model":"gpt-5","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://a.example/x.png","url":"https://b.example/y.png"}}]}]}""", "messages[0].content[0].image_url.url")]
    public void DuplicateKey_IncludingEscapedSpelling_IsRejected(string json, string param)
    {
        Assert.Equal(("duplicate_key", param), Run(json));
    }

    [Fact]
    public void EscapedKey_IsTheSameKey()
    {
        var d = TestKit.Engine.Route(TestKit.Utf8("""{"mod\u0065l":"gpt-5","messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal("gpt-5", d.ModelId);
    }

    [Theory]
    [InlineData("""{"model":"gpt-5","messages":[{"role":"user","content":"\ud800"}]}""")]
    [InlineData("""{"model":"gpt-5","messages":[{"role":"user","content":"\udc00x"}]}""")]
    [InlineData("""{"model":"gpt-5","messages":[{"role":"user","content":"hi"}]} // c""")]
    [InlineData("""{"model":"gpt-5","messages":[{"role":"user","content":"hi"},]}""")]
    [InlineData("""{"model":"gpt-5",}""")]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("""{"model":"gpt-5"} {}""")]
    public void Malformed_IsInvalidJson(string json)
    {
        Assert.Equal("invalid_json", Run(json).Code);
    }

    [Fact]
    public void RawControlByteInString_IsInvalidJson()
    {
        Assert.Equal("invalid_json", Run("{\"model\":\"gpt\u0001-5\"," + Msgs + "}").Code);
    }

    [Theory]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // an encoded surrogate
    public void InvalidUtf8InAnyString_IsInvalidJson(byte[] bad)
    {
        var head = TestKit.Utf8("{\"model\":\"gpt-5\",\"x\":\"");
        var tail = TestKit.Utf8("\"," + Msgs + "}");
        Assert.Equal("invalid_json", Run([.. head, .. bad, .. tail]).Code);
    }

    [Theory]
    [InlineData("{\"model\":\"gpt-5\",\"", "\":1,")]
    [InlineData("{\"model\":\"gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"x\",\"", "\":1}]}],")]
    [InlineData("{\"model\":\"gpt-5\",\"response_format\":{\"type\":\"", "\"},")]
    [InlineData("{\"model\":\"gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/p", "ng;base64,iVBORw0KGgo=\"}}]}],")]
    public void InvalidUtf8InUnknownKeysAndReadValues_IsInvalidJson(string head, string tail)
    {
        byte[] body = [.. TestKit.Utf8(head), 0xC3, 0x28, .. TestKit.Utf8(tail + Msgs + "}")];
        Assert.Equal("invalid_json", Run(body).Code);
    }

    [Theory]
    [InlineData("""{"model":"gpt-5","max_tokens":123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456,"messages":[]}""")]
    [InlineData("""{"model":"gpt-5","max_tokens":1e4096,"messages":[]}""")]
    [InlineData("""{"model":"gpt-5","max_tokens":-5,"messages":[]}""")]
    [InlineData("""{"model":"gpt-5","max_tokens":1.5,"messages":[]}""")]
    [InlineData("""{"model":"gpt-5","max_tokens":0,"messages":[]}""")]
    [InlineData("""{"model":"gpt-5","max_tokens":"100","messages":[]}""")]
    public void OverflowingNegativeOrFractionalCounts_AreInvalidParameter(string json)
    {
        Assert.Equal(("invalid_parameter", "max_tokens"), Run(json));
    }

    [Theory]
    [InlineData(10_000, '[')]
    [InlineData(10_000, '{')]
    [InlineData(65, '[')]
    public void DeepNesting_IsInvalidJson(int depth, char open)
    {
        string unit = open == '[' ? "[" : "{\"a\":";
        var json = """{"model":"gpt-5","x":""" + string.Concat(Enumerable.Repeat(unit, depth));
        Assert.Equal("invalid_json", Run(json).Code);
    }

    [Fact]
    public void NestingOf64_IsAccepted()
    {
        // Root object is depth 1; 62 more arrays reach depth 63 for the innermost value, within the limit of 64.
        var json = """{"model":"gpt-5","x":""" + new string('[', 62) + new string(']', 62) + "," + Msgs + "}";
        Assert.Null(Run(json).Code);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"x\"")]
    [InlineData("42")]
    public void NonObjectBody_IsInvalidParameter(string json)
    {
        Assert.Equal("invalid_parameter", Run(json).Code);
    }

    [Fact]
    public void TruncatedBody_AtEveryOffset_GivesAnErrorNeverAnException()
    {
        var body = TestKit.ChatImage("flux-auto", "one-by-one.png");
        for (int i = 0; i < body.Length; i++)
        {
            var d = TestKit.Engine.Route(body.AsSpan(0, i));
            Assert.False(d.Succeeded);
            Assert.NotNull(d.ErrorCode);
        }
    }

    [Theory]
    [InlineData("""{"model":5,"messages":[]}""", "model")]
    [InlineData("""{"model":"gpt-5","messages":{}}""", "messages")]
    [InlineData("""{"model":"gpt-5","messages":[{"role":"user","content":7}]}""", "messages[0].content")]
    [InlineData("""{"model":"gpt-5","messages":[{"role":"user","content":[{"type":"image_url","image_url":[]}]}]}""", "messages[0].content[0].image_url")]
    [InlineData("""{"model":"gpt-5","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://a.example/x.png","detail":"ultra"}}]}]}""", "messages[0].content[0].image_url.detail")]
    [InlineData("""{"model":"gpt-5","messages":[{"role":"user","content":"x"}],"stream":"yes"}""", "stream")]
    [InlineData("""{"model":"flux-image","prompt":"fox","n":0}""", "n")]
    [InlineData("""{"model":"flux-image","prompt":"fox","size":"big"}""", "size")]
    [InlineData("""{"model":"flux-image","messages":[{"role":"user","content":"fox"}],"modalities":["image"],"image_config":{"num_images":1.5}}""", "image_config.num_images")]
    public void WrongTypes_AreInvalidParameterWithPath(string json, string param)
    {
        Assert.Equal(("invalid_parameter", param), Run(json));
    }

    [Theory]
    [InlineData("input_audio", """{"type":"input_audio","input_audio":{"data":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","format":"wav"}}""")]
    [InlineData("file", """{"type":"file","file":{"file_data":"JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFI+PgpzdHJlYW0K"}}""")]
    [InlineData("document", """{"type":"document","source":{"type":"text","media_type":"text/plain","data":"a long document"}}""")]
    public void UnknownContentBlocks_AreCountedAndPriced(string kind, string part)
    {
        var plain = TestKit.Route(TestKit.Utf8("""{"model":"gpt-5","messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}"""));
        var with = TestKit.Route(TestKit.Utf8($$"""{"model":"gpt-5","messages":[{"role":"user","content":[{"type":"text","text":"hi"},{{part}}]}]}"""),
            new RouteContext { Endpoint = RequestEndpoint.ChatCompletions });
        Assert.True(with.Decision.Succeeded, kind);
        Assert.Equal(1, with.Details.OtherParts);
        Assert.True(with.Decision.Estimate.TextTokens > plain.Decision.Estimate.TextTokens + 5, kind);
    }

    [Fact]
    public void MissingModel_IsMissingModel()
    {
        Assert.Equal(("missing_model", "model"), Run("{" + Msgs + "}"));
    }

    [Fact]
    public void MissingMessages_IsInvalidParameter()
    {
        Assert.Equal(("invalid_parameter", "messages"), Run("""{"model":"gpt-5"}"""));
    }

    [Fact]
    public void UnknownModel_IsUnknownModel()
    {
        Assert.Equal(("unknown_model", "model"), Run("""{"model":"gpt-99","messages":[{"role":"user","content":"hi"}]}"""));
    }
}
