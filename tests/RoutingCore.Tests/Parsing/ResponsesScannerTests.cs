using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;

namespace RoutingCore.Tests.Parsing;

/// <summary>spec/scanner.md R-SCAN-10..13: the OpenAI Responses API shape.</summary>
public class ResponsesScannerTests
{
    private static RouteDecision Route(string json, RequestEndpoint endpoint = RequestEndpoint.Auto) =>
        TestKit.Engine.Route(Encoding.UTF8.GetBytes(json), new RouteContext { Endpoint = endpoint });

    [Fact]
    public void InputWithoutMessages_IsInferredAsResponses_AndItsOptionsAreRequirements()
    {
        var d = Route("""{"model":"gpt-5","instructions":"Be brief.","input":[{"role":"user","content":[{"type":"input_text","text":"What is this?"},{"type":"input_image","image_url":"https://example.com/a.png","detail":"low"}]}],"tools":[{"type":"function","name":"f","parameters":{}}],"text":{"format":{"type":"json_schema","name":"x","schema":{}}},"reasoning":{"effort":"low"},"max_output_tokens":77}""");
        Assert.True(d.Succeeded, d.ErrorCode);
        Assert.Equal(RequestEndpoint.Responses, d.Endpoint);
        Assert.Equal(Capabilities.Text | Capabilities.Vision | Capabilities.Tools | Capabilities.JsonSchema | Capabilities.Reasoning, d.Requirements);
        Assert.Equal(77, d.Estimate.OutputTokens);
        Assert.Equal(70, d.Estimate.ImageTokens); // detail low: openai-tile base tokens
        Assert.Equal(77, d.RequestedMaxTokens);
    }

    [Fact]
    public void AStringInput_IsOneUserTurn_PricedLikeTheSameChatMessage()
    {
        var responses = Route("""{"model":"gpt-5","input":"Say hello to the router.","instructions":"Be brief."}""");
        var chat = Route("""{"model":"gpt-5","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Say hello to the router."}]}""");
        Assert.Equal(RequestEndpoint.Responses, responses.Endpoint);
        // The same text; chat pays one more message overhead (4) for its system message.
        Assert.Equal(chat.Estimate.TextTokens - 4, responses.Estimate.TextTokens);
        var details = new RouteDetails();
        TestKit.Engine.Route("""{"model":"flux-auto","input":"Say hello to the router.","instructions":"Be brief."}"""u8, default, details);
        Assert.Equal(24, details.DifficultySignals.LastTurnChars);
        Assert.Equal(9, details.DifficultySignals.SystemChars);
    }

    [Fact]
    public void AnImageGenerationTool_AsksForImageOutput_AndIsNotAFunctionTool()
    {
        var d = Route("""{"model":"gpt-5.1","input":"A watercolor fox","tools":[{"type":"image_generation"}]}""");
        Assert.True(d.Succeeded, d.ErrorCode);
        Assert.Equal(Capabilities.ImageOutput, d.Requirements);
        Assert.Equal(1, d.Estimate.OutputImages);
        var lacking = Route("""{"model":"gpt-5","input":"A watercolor fox","tools":[{"type":"image_generation"}]}""");
        Assert.Equal("model_lacks_capability", lacking.ErrorCode);
        Assert.Equal("tools", lacking.Error.Param.ToString());
    }

    [Fact]
    public void PreviousResponseId_IsRoutedWithAWarning()
    {
        var d = Route("""{"model":"gpt-5","input":"and then?","previous_response_id":"resp_123"}""");
        Assert.True(d.Succeeded);
        Assert.Contains("previous_response_not_estimated", RouteErrors.WarningNames(d.Warnings));
    }

    [Fact]
    public void AFileIdImage_IsPricedAsAnImageOfUnknownSize()
    {
        var d = Route("""{"model":"gpt-5","input":[{"role":"user","content":[{"type":"input_image","file_id":"file-abc"}]}]}""");
        Assert.True(d.Succeeded, d.ErrorCode);
        Assert.Equal(1, d.ImageCount);
        Assert.True(d.Estimate.ImageSizesAssumed);
    }

    [Fact]
    public void ModelsWithoutTheResponsesShape_AreEndpointUnsupported()
    {
        Assert.Equal("endpoint_not_supported", Route("""{"model":"claude-sonnet-4-5","input":"hi"}""").ErrorCode);
        var details = new RouteDetails { Explain = true };
        var d = TestKit.Engine.Route("""{"model":"flux-auto","input":"hi"}"""u8, default, details);
        Assert.Equal("openai", d.Model!.Provider);
        Assert.Contains(details.Candidates, c => c.Model.Provider == "anthropic" && c.Reason == RejectionReason.EndpointUnsupported);
    }

    [Theory]
    [InlineData("""{"model":"gpt-5","input":[{"role":"user","content":[{"type":"input_image","image_url":"data:text/plain;base64,aGVsbG8="}]}]}""", "unsupported_image_format", "input[0].content[0]")]
    [InlineData("""{"model":"gpt-5","input":[{"role":"user","content":[{"type":"input_image","image_url":"http://169.254.169.254/latest/meta-data"}]}]}""", "image_url_not_allowed", "input[0].content[0].image_url")]
    [InlineData("""{"model":"gpt-5","input":"a","input":"b"}""", "duplicate_key", "input")]
    [InlineData("""{"model":"gpt-5","input":[{"role":"user","role":"user","content":"x"}]}""", "duplicate_key", "input[0].role")]
    [InlineData("""{"model":"gpt-5","input":[{"role":"user","content":[{"type":"input_image","image_url":"https://a/b.png","detail":"low","detail":"high"}]}]}""", "duplicate_key", "input[0].content[0].detail")]
    [InlineData("""{"model":"gpt-5","input":42}""", "invalid_parameter", "input")]
    [InlineData("""{"model":"gpt-5","input":[42]}""", "invalid_parameter", "input[0]")]
    [InlineData("""{"model":"gpt-5","input":[{"role":"user","content":[42]}]}""", "invalid_parameter", "input[0].content[0]")]
    [InlineData("""{"model":"gpt-5","input":[{"role":"user","content":[{"type":"input_text","text":7}]}]}""", "invalid_parameter", "input[0].content[0].text")]
    [InlineData("""{"model":"gpt-5","input":[{"role":"user","content":[{"type":"input_image"}]}]}""", "invalid_parameter", "input[0].content[0].image_url")]
    [InlineData("""{"model":"gpt-5","input":"x","instructions":5}""", "invalid_parameter", "instructions")]
    [InlineData("""{"model":"gpt-5","input":"x","text":{"format":"json"}}""", "invalid_parameter", "text.format")]
    [InlineData("""{"model":"gpt-5","input":"x","max_output_tokens":-1}""", "invalid_parameter", "max_output_tokens")]
    [InlineData("""{"model":"gpt-5","input":"x","previous_response_id":1}""", "invalid_parameter", "previous_response_id")]
    public void BadResponsesInput_GetsItsCodeAndPath(string json, string code, string param)
    {
        var d = Route(json);
        Assert.Equal(code, d.ErrorCode);
        Assert.Equal(param, d.Error.Param.ToString());
    }

    [Fact]
    public void ResponsesEndpointWithoutInput_IsInvalid_AndDeepNestingIsInvalidJson()
    {
        var d = Route("""{"model":"gpt-5","messages":[]}""", RequestEndpoint.Responses);
        Assert.Equal("invalid_parameter", d.ErrorCode);
        Assert.Equal("input", d.Error.Param.ToString());
        var deep = "{\"model\":\"gpt-5\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"x\",\"extra\":" + new string('[', 80) + new string(']', 80) + "}]}]}";
        Assert.Equal("invalid_json", Route(deep).ErrorCode);
    }

    [Fact]
    public void UnknownPartAndItemTypes_ArePricedNotRejected()
    {
        var d = Route("""{"model":"gpt-5","input":[{"type":"function_call","call_id":"c1","name":"lookup","arguments":"{\"q\":\"x\"}"},{"type":"function_call_output","call_id":"c1","output":"42"},{"role":"user","content":[{"type":"input_file","file_id":"file-1"},{"type":"input_audio","data":"AAAA"}]}]}""");
        Assert.True(d.Succeeded, d.ErrorCode);
        Assert.True(d.Estimate.TextTokens > 10);
    }

    [Fact]
    public void TheForwardedBody_IsTheClientsBytesWithOnlyTheModelReplaced_Meets_Specification()
    {
        var gen = from text in Gen.Elements("hi", "résumé ✓", "line\nbreak", "\"quoted\"")
                  from stream in Gen.Elements(false, true)
                  from instructions in Gen.Elements<string?>(null, "Be brief.")
                  select (text, stream, instructions);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new { model = "flux-auto", input = t.text, stream = t.stream, instructions = t.instructions });
            var d = TestKit.Engine.Route(body);
            Assert.True(d.Succeeded, d.ErrorCode);
            var forwarded = new byte[d.GetUpstreamBodyLength(body)];
            d.WriteUpstreamBody(body, forwarded);
            var expected = Encoding.UTF8.GetString(body).Replace("\"model\":\"flux-auto\"", $"\"model\":\"{d.Model!.UpstreamModel}\"", StringComparison.Ordinal);
            Assert.Equal(expected, Encoding.UTF8.GetString(forwarded)); // never stream_options: that is chat's
        }));
    }

    [Fact]
    public void RoutingAResponsesRequest_AllocatesNothing()
    {
        var body = """{"model":"flux-auto","input":[{"role":"user","content":[{"type":"input_text","text":"Describe."},{"type":"input_image","image_url":"https://example.com/a.png"}]}],"instructions":"Be brief."}"""u8.ToArray();
        for (int i = 0; i < 10; i++) TestKit.Engine.Route(body);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) TestKit.Engine.Route(body);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
