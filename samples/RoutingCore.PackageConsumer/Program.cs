using System.Buffers;
using System.Text;
using RoutingCore;

// Route the seeds' vision request on the embedded catalog, print the decision and the forwardable body.
var engine = RoutingEngine.CreateDefault();
var body = Encoding.UTF8.GetBytes("""{"model":"flux-auto","messages":[{"role":"user","content":[{"type":"text","text":"What is in this image?"},{"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}]}""");
var decision = engine.Route(body);
if (!decision.Succeeded)
{
    Console.Error.WriteLine($"rejected: {decision.ErrorCode}");
    return 1;
}
var upstream = new ArrayBufferWriter<byte>();
decision.WriteUpstreamBody(body, upstream);
Console.WriteLine($"flux-auto -> {decision.ModelId} [{decision.Model!.Provider}], estimated ${decision.Estimate.CostUsd}");
Console.WriteLine(Encoding.UTF8.GetString(upstream.WrittenSpan));
return 0;
