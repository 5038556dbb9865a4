using System.Text;

namespace RoutingCore.Tests.Robustness;

/// <summary>
/// Mutation robustness (spec R-ROB-2): at least 10,000 mutated inputs per run — byte flips, truncation at every
/// offset of small vectors, inserted duplicate keys, deep nesting, broken base64 — never throw, and every rejection
/// carries a code of spec R-ERR-2. <c>ROUTINGCORE_FUZZ_CASES</c> raises the byte-flip count (the long run uses 1,000,000).
/// </summary>
public class MutationTests
{
    private static readonly HashSet<string> Codes = [.. RouteErrors.AllCodes.ToArray()];

    private static byte[][] Seeds() =>
    [
        TestKit.ChatImage("flux-auto", "photo-640x480.png"),
        TestKit.ChatImage("gpt-5", "animated-120x90.gif"),
        TestKit.ChatImage("claude-sonnet-4-5", "lossy-500x300.webp"),
        TestKit.Chat("gemini-2.5-pro", TestKit.DataUri("image/heic", Parsing.ImageHeaderTests.HeifWithExtents("heic", (64, 48), (4032, 3024)))),
        TestKit.Chat("flux-auto", "https://images.example.com/a.png"),
        TestKit.Utf8("""{"model":"flux-image","prompt":"fox","n":2,"size":"1024x1024","quality":"high"}"""),
        TestKit.Utf8("""{"model":"flux-auto","tools":[{"type":"function","function":{"name":"f"}}],"response_format":{"type":"json_schema"},"messages":[{"role":"user","content":"hi \u00e9\n"}],"modalities":["image"],"image_config":{"num_images":2,"size":"1440x1440"}}"""),
        TestKit.Utf8($$"""{"model":"flux-pinned-claude-sonnet","system":"s","thinking":{"type":"enabled"},"messages":[{"role":"user","content":[{"type":"text","text":"x"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"{{Convert.ToBase64String(TestKit.Image("one-by-one.png"))}}"} }]}]}"""),
    ];

    private static int Check(ReadOnlySpan<byte> body)
    {
        var d = TestKit.Engine.Route(body);
        if (!d.Succeeded)
        {
            Assert.Contains(d.ErrorCode!, Codes);
            return 1;
        }
        Assert.NotNull(d.ModelId);
        return 0;
    }

    [Fact]
    public void MutatedInputs_NeverThrow_AndRejectWithACode()
    {
        int cases = 0;
        var seeds = Seeds();
        // Truncation at every offset of the small vectors.
        foreach (var seed in seeds.Where(s => s.Length < 2000))
        {
            for (int i = 0; i <= seed.Length; i++) { Check(seed.AsSpan(0, i)); cases++; }
        }
        // Byte flips and byte replacements.
        int flips = int.TryParse(Environment.GetEnvironmentVariable("ROUTINGCORE_FUZZ_CASES"), out int n) ? n : 8000;
        var rng = new Random(1234);
        byte[] interesting = [(byte)'"', (byte)'\\', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)',', (byte)':', 0, 0x80, 0xFF, (byte)'=', (byte)'/'];
        for (int i = 0; i < flips; i++)
        {
            var seed = seeds[i % seeds.Length];
            var copy = (byte[])seed.Clone();
            int edits = 1 + rng.Next(3);
            for (int e = 0; e < edits; e++)
            {
                int at = rng.Next(copy.Length);
                copy[at] = rng.Next(2) == 0 ? (byte)(copy[at] ^ (1 << rng.Next(8))) : interesting[rng.Next(interesting.Length)];
            }
            Check(copy);
            cases++;
        }
        // Inserted duplicate keys, deep nesting, broken base64.
        foreach (var key in new[] { "model", "messages", "max_tokens", "n", "tools", "modalities", "image_config" })
        {
            Assert.Equal(1, Check(Encoding.UTF8.GetBytes($$"""{"{{key}}":1,"{{key}}":2,"model":"gpt-5","messages":[]}""")));
            cases++;
        }
        for (int depth = 60; depth < 300; depth++)
        {
            Check(Encoding.UTF8.GetBytes("""{"model":"gpt-5","x":""" + new string('[', depth) + new string(']', depth) + ""","messages":[]}"""));
            cases++;
        }
        var b64 = Convert.ToBase64String(TestKit.Image("photo-640x480.png"));
        for (int i = 0; i < 500; i++)
        {
            var chars = b64.ToCharArray();
            chars[rng.Next(chars.Length)] = "!@#$%^&*()-_ .="[rng.Next(15)];
            Assert.Equal(1, Check(TestKit.Chat("gpt-5", "data:image/png;base64," + new string(chars).Replace("\\", "", StringComparison.Ordinal))));
            cases++;
        }
        Assert.True(cases >= 10_000, $"only {cases} mutated inputs");
    }

    [Fact]
    public void RandomBytes_NeverThrow()
    {
        var rng = new Random(99);
        for (int i = 0; i < 2000; i++)
        {
            var bytes = new byte[rng.Next(0, 300)];
            rng.NextBytes(bytes);
            Assert.Equal(1, Check(bytes));
        }
    }
}
