namespace RoutingCore;

/// <summary>The API a request body was sent to.</summary>
public enum RequestEndpoint : byte
{
    /// <summary>Infer from the body: <c>prompt</c> without <c>messages</c> is an images request; Anthropic-only fields or blocks make a messages request; otherwise chat completions.</summary>
    Auto = 0,
    /// <summary>OpenAI <c>/v1/chat/completions</c>.</summary>
    ChatCompletions,
    /// <summary>Anthropic <c>/v1/messages</c>.</summary>
    Messages,
    /// <summary>OpenAI <c>/v1/images/generations</c>.</summary>
    ImageGenerations,
    /// <summary>OpenAI <c>POST /v1/responses</c> (<c>input</c>, <c>instructions</c>, …).</summary>
    Responses,
}
