namespace RoutingCore;

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
