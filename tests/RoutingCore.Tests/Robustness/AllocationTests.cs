namespace RoutingCore.Tests.Robustness;

/// <summary>Steady-state routing allocates nothing (measured with the thread's allocation counter).</summary>
/// <remarks>Shares a collection with the meter test: a listening MeterListener runs its callback on the routing thread.</remarks>
[Collection(GlobalListeners.Name)]
public class AllocationTests
{
    public static TheoryData<string> Shapes() => new()
    {
        "text", "url", "data", "anthropic", "images", "modalities", "rejected",
    };

    private static byte[] Body(string shape) => shape switch
    {
        "text" => TestKit.Utf8("""{"model":"flux-auto","max_tokens":200,"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Summarise the plot of Hamlet.\nIn two lines."}]}"""),
        "url" => TestKit.Chat("flux-auto", "https://images.example.com/cat.jpg"),
        "data" => TestKit.ChatImage("flux-auto", "progressive-icc-1200x900.jpg"),
        "anthropic" => TestKit.Utf8($$"""{"model":"flux-pinned-claude-sonnet","max_tokens":100,"messages":[{"role":"user","content":[{"type":"text","text":"x"},{"type":"image","source":{"type":"base64","media_type":"image/gif","data":"{{Convert.ToBase64String(TestKit.Image("animated-120x90.gif"))}}"} }]}]}"""),
        "images" => TestKit.Utf8("""{"model":"flux-image","prompt":"a fox","n":2,"size":"1024x1024","quality":"high"}"""),
        "modalities" => TestKit.Utf8("""{"model":"flux-auto","messages":[{"role":"user","content":"a fox"}],"modalities":["image"],"image_config":{"num_images":2}}"""),
        _ => TestKit.Chat("flux-auto", "https://10.0.0.1/x.png"),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Route_SteadyState_AllocatesZeroBytes(string shape)
    {
        var body = Body(shape);
        var engine = TestKit.Engine;
        for (int i = 0; i < 20; i++) engine.Route(body);
        AssertNoAllocation(() => engine.Route(body));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Route_WithReusedDetails_AllocatesZeroBytes_UnlessExplaining(string shape)
    {
        var body = Body(shape);
        var engine = TestKit.Engine;
        var details = new RouteDetails();
        for (int i = 0; i < 20; i++) engine.Route(body, default, details);
        AssertNoAllocation(() => engine.Route(body, default, details));
    }

    /// <summary>
    /// 100 routes must allocate 0 bytes. A per-route allocation shows in every batch; the runtime can still make a
    /// rare one-off allocation on the thread (seen once in ~20 full-suite runs, never reproduced alone), so up to three
    /// batches are measured and one clean batch passes.
    /// </summary>
    private static void AssertNoAllocation(Action route)
    {
        var measured = new List<long>();
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++) route();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated == 0) return;
            measured.Add(allocated);
        }
        Assert.Fail($"100 routes allocated {string.Join(", then ", measured)} bytes in three batches");
    }
}
