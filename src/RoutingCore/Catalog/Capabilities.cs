namespace RoutingCore;

/// <summary>What a model can do, and what a request needs.</summary>
[Flags]
public enum Capabilities : byte
{
    /// <summary>Nothing.</summary>
    None = 0,
    /// <summary><c>text</c>: reads and writes text (chat and messages endpoints).</summary>
    Text = 1,
    /// <summary><c>vision</c>: reads image inputs.</summary>
    Vision = 2,
    /// <summary><c>image_output</c>: generates images.</summary>
    ImageOutput = 4,
    /// <summary><c>tools</c>: function/tool calling.</summary>
    Tools = 8,
    /// <summary><c>json_schema</c>: structured output against a JSON schema.</summary>
    JsonSchema = 16,
    /// <summary><c>reasoning</c>: reasoning effort / extended thinking.</summary>
    Reasoning = 32,
}

/// <summary>The request shapes a model's upstream accepts as-is (catalog key <c>Endpoints</c>).</summary>
[Flags]
public enum EndpointSet : byte
{
    /// <summary>None.</summary>
    None = 0,
    /// <summary><c>chat</c>: OpenAI chat completions bodies.</summary>
    Chat = 1,
    /// <summary><c>messages</c>: Anthropic messages bodies.</summary>
    Messages = 2,
    /// <summary><c>images</c>: OpenAI images/generations bodies.</summary>
    Images = 4,
    /// <summary><c>responses</c>: OpenAI Responses API bodies.</summary>
    Responses = 8,
    /// <summary>Every shape.</summary>
    All = Chat | Messages | Images | Responses,
}

/// <summary>Wire names and provider defaults of <see cref="EndpointSet"/>.</summary>
public static class EndpointNames
{
    /// <summary>
    /// The shapes a provider's upstream takes when a model does not list <c>Endpoints</c>: <c>openai</c> and
    /// <c>google</c> take <c>chat</c> and <c>images</c> (Google through its OpenAI-compatible endpoint); <c>anthropic</c>
    /// takes <c>messages</c> and <c>chat</c> (its OpenAI SDK compatibility); any other provider takes every shape until
    /// the catalog says otherwise, so existing host catalogs keep routing.
    /// </summary>
    public static EndpointSet DefaultFor(string provider) => provider.ToLowerInvariant() switch
    {
        "openai" => EndpointSet.Chat | EndpointSet.Images | EndpointSet.Responses,
        "google" => EndpointSet.Chat | EndpointSet.Images,
        "anthropic" => EndpointSet.Messages | EndpointSet.Chat,
        _ => EndpointSet.All,
    };

    /// <summary>The set holding one request endpoint (<see cref="EndpointSet.None"/> for <see cref="RequestEndpoint.Auto"/>).</summary>
    public static EndpointSet ToSet(RequestEndpoint endpoint) => endpoint switch
    {
        RequestEndpoint.ChatCompletions => EndpointSet.Chat,
        RequestEndpoint.Messages => EndpointSet.Messages,
        RequestEndpoint.ImageGenerations => EndpointSet.Images,
        RequestEndpoint.Responses => EndpointSet.Responses,
        _ => EndpointSet.None,
    };

    /// <summary>Parses <c>chat</c>, <c>messages</c> or <c>images</c> (case-insensitive).</summary>
    public static bool TryParse(string? name, out EndpointSet endpoint)
    {
        endpoint = name?.Trim().ToLowerInvariant() switch
        {
            "chat" => EndpointSet.Chat,
            "messages" => EndpointSet.Messages,
            "images" => EndpointSet.Images,
            "responses" => EndpointSet.Responses,
            _ => EndpointSet.None,
        };
        return endpoint != EndpointSet.None;
    }
}

/// <summary>Wire names of <see cref="Capabilities"/>.</summary>
public static class CapabilityNames
{
    private static readonly (Capabilities Flag, string Name)[] s_all =
    [
        (Capabilities.Text, "text"), (Capabilities.Vision, "vision"), (Capabilities.ImageOutput, "image_output"),
        (Capabilities.Tools, "tools"), (Capabilities.JsonSchema, "json_schema"), (Capabilities.Reasoning, "reasoning"),
    ];

    /// <summary>The name of a single capability.</summary>
    public static string Name(Capabilities capability)
    {
        foreach (var (flag, name) in s_all) if (flag == capability) return name;
        return "none";
    }

    /// <summary>Parses one name.</summary>
    public static bool TryParse(string? name, out Capabilities capability)
    {
        capability = Capabilities.None;
        if (name is null) return false;
        foreach (var (flag, n) in s_all)
        {
            if (string.Equals(n, name.Trim(), StringComparison.OrdinalIgnoreCase)) { capability = flag; return true; }
        }
        return false;
    }

    /// <summary>The names of every capability in a set, in a fixed order.</summary>
    public static IEnumerable<string> Names(Capabilities set)
    {
        foreach (var (flag, name) in s_all) if ((set & flag) != 0) yield return name;
    }

    /// <summary>The lowest capability present in <paramref name="set"/> (the one a rejection names first).</summary>
    public static Capabilities First(Capabilities set) => (Capabilities)((int)set & -(int)set);

    /// <summary>All known names, comma-separated, for messages.</summary>
    public static string KnownList => "text, vision, image_output, tools, json_schema, reasoning";
}
