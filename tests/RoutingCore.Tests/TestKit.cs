using System.Text;
using RoutingCore.Parsing;

namespace RoutingCore.Tests;

/// <summary>Shared helpers: test images, request bodies, the default engine.</summary>
internal static class TestKit
{
    public static readonly RoutingEngine Engine = RoutingEngine.CreateDefault();

    public static string ImagePath(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "images", name);

    public static byte[] Image(string name) => File.ReadAllBytes(ImagePath(name));

    public static string DataUri(string mediaType, byte[] bytes) => $"data:{mediaType};base64,{Convert.ToBase64String(bytes)}";

    public static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);

    /// <summary>A catalog file of two text models ("small", "large") with the alias "main" pinned to <paramref name="pinnedTo"/> (a missing id makes it invalid).</summary>
    public static string TwoModelCatalog(string pinnedTo) => $$"""
        {"Routing":{"Models":{
          "small":{"Provider":"p","Tier":"fast","Capabilities":["text"],"InputPerMillion":1,"OutputPerMillion":1,"DefaultOutputTokens":10},
          "large":{"Provider":"p","Tier":"fast","Capabilities":["text"],"InputPerMillion":5,"OutputPerMillion":5,"DefaultOutputTokens":10} },
          "Aliases":{"main":{"Kind":"pinned","Model":"{{pinnedTo}}" } } } }
        """;

    /// <summary>A chat body naming the alias "main" of <see cref="TwoModelCatalog"/>.</summary>
    public static byte[] MainAliasBody => Utf8("""{"model":"main","messages":[{"role":"user","content":"x"}]}""");

    /// <summary>A chat body with one text part followed by image_url parts.</summary>
    public static byte[] Chat(string model, params string[] imageUrls)
    {
        var parts = new StringBuilder("""{"type":"text","text":"What is in this image?"}""");
        foreach (var url in imageUrls) parts.Append($$""",{"type":"image_url","image_url":{"url":"{{url}}"} }""");
        return Utf8($$"""{"model":"{{model}}","messages":[{"role":"user","content":[{{parts}}]}]}""");
    }

    public static byte[] ChatImage(string model, string file, string? mediaType = null)
        => Chat(model, DataUri(mediaType ?? MediaTypeOf(file), Image(file)));

    public static string MediaTypeOf(string file) => Path.GetExtension(file) switch
    {
        ".png" => "image/png", ".jpg" => "image/jpeg", ".gif" => "image/gif", ".webp" => "image/webp", ".bmp" => "image/bmp",
        ".tiff" => "image/tiff", ".svg" => "image/svg+xml", _ => "application/octet-stream",
    };

    public static RequestFacts Scan(byte[] body, RequestEndpoint endpoint = RequestEndpoint.Auto, bool allowHttp = false)
    {
        var facts = new RequestFacts();
        RequestScanner.Scan(body, new ScanSettings(endpoint, allowHttp, HeuristicTokenCounter.Instance), facts);
        return facts;
    }

    public static (RouteDecision Decision, RouteDetails Details) Route(byte[] body, RouteContext context = default, IRoutingEngine? engine = null, bool explain = false)
    {
        var details = new RouteDetails { Explain = explain };
        var decision = (engine ?? Engine).Route(body, context, details);
        return (decision, details);
    }
}
