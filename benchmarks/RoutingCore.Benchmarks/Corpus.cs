using System.Text;

namespace RoutingCore.Benchmarks;

/// <summary>The request corpus of the route benchmarks (RESULTS.md), built from real encoded images in corpus/.</summary>
public static class Corpus
{
    public static readonly string[] Shapes =
        ["text-1kb", "history-100kb", "image-url", "data-1mb", "data-4mb", "data-10x100kb", "anthropic-1mb", "images-generations", "chat-modalities-image"];

    /// <summary>The floor: one vectorised pass over the bytes, the physical limit of reading the body once.</summary>
    public static int Floor(ReadOnlySpan<byte> span)
    {
        int count = 0;
        while (true)
        {
            int i = span.IndexOfAny((byte)'"', (byte)'\\');
            if (i < 0) return count;
            count++;
            span = span[(i + 1)..];
        }
    }

    private static byte[] Image(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "corpus", name));

    private static string Uri(string mediaType, byte[] b) => $"data:{mediaType};base64,{Convert.ToBase64String(b)}";

    /// <summary>The 1 KB text shape's prose as the decoded string a client holds (its JSON has <c>\n</c> escapes).</summary>
    public static string Prose1Kb => Prose(900).Replace("\\n", "\n", StringComparison.Ordinal);

    private static string Prose(int bytes)
    {
        var sb = new StringBuilder();
        var words = "the quick brown fox jumps over the lazy dog while a gateway routes every request to the right model".Split(' ');
        for (int i = 0; sb.Length < bytes; i++) sb.Append(words[i % words.Length]).Append(i % 17 == 16 ? ".\\n" : " ");
        return sb.ToString();
    }

    public static byte[] Build(string shape) => Encoding.UTF8.GetBytes(shape switch
    {
        "text-1kb" => $$"""{"model":"flux-auto","max_tokens":512,"messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"{{Prose(900)}}"}]}""",
        "history-100kb" => History(),
        "image-url" => """{"model":"flux-auto","messages":[{"role":"user","content":[{"type":"text","text":"What is in this image?"},{"type":"image_url","image_url":{"url":"https://images.example.com/cat.jpg","detail":"high"}}]}]}""",
        "data-1mb" => Chat(Uri("image/jpeg", Image("photo-1mb.jpg"))),
        "data-4mb" => Chat(Uri("image/jpeg", Image("photo-4mb.jpg"))),
        "data-10x100kb" => Chat(Enumerable.Repeat(Uri("image/png", Image("photo-100kb.png")), 10).ToArray()),
        "anthropic-1mb" => $$"""{"model":"flux-pinned-claude-sonnet","max_tokens":1024,"messages":[{"role":"user","content":[{"type":"text","text":"Describe this."},{"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"{{Convert.ToBase64String(Image("photo-1mb.jpg"))}}"} }]}]}""",
        "images-generations" => """{"model":"flux-image","prompt":"A watercolor fox curled up asleep in a library","n":2,"size":"1024x1024","quality":"high"}""",
        "chat-modalities-image" => """{"model":"flux-auto","messages":[{"role":"user","content":"A futuristic cityscape at night"}],"modalities":["image"],"image_config":{"num_images":2,"size":"1440x1440"}}""",
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    });

    private static string Chat(params string[] uris)
    {
        var parts = new StringBuilder("""{"type":"text","text":"What is in these images?"}""");
        foreach (var u in uris) parts.Append($$""",{"type":"image_url","image_url":{"url":"{{u}}"} }""");
        return $$"""{"model":"flux-auto","messages":[{"role":"user","content":[{{parts}}]}]}""";
    }

    private static string History()
    {
        var sb = new StringBuilder("""{"model":"flux-auto","messages":[""");
        for (int i = 0; sb.Length < 100_000; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append($$"""{"role":"{{(i % 2 == 0 ? "user" : "assistant")}}","content":"{{Prose(1000)}}"}""");
        }
        sb.Append("]}");
        return sb.ToString();
    }
}
