namespace RoutingCore;

/// <summary>The response shape a usage record was read from.</summary>
public enum UsageSource : byte
{
    /// <summary>Nothing recognisable was read (an empty, non-JSON or HTML body).</summary>
    Unknown = 0,
    /// <summary>OpenAI chat completions (and OpenAI-compatible providers such as Gemini's).</summary>
    OpenAIChat,
    /// <summary>OpenAI chat completions streamed as <c>data:</c> chunks.</summary>
    OpenAIChatStream,
    /// <summary>OpenAI images/generations.</summary>
    OpenAIImages,
    /// <summary>Anthropic messages.</summary>
    Anthropic,
    /// <summary>Anthropic messages streamed as events.</summary>
    AnthropicStream,
    /// <summary>RouteLLM chat image generation (<c>message.images</c>, <c>compute_points_used</c>).</summary>
    RouteLlm,
    /// <summary>OpenAI Responses API (<c>usage.input_tokens</c>, <c>output_tokens</c> and their details).</summary>
    OpenAIResponses,
    /// <summary>OpenAI Responses API streamed as events (the <c>response.completed</c> event's usage, else the <c>response.output_text.delta</c> text).</summary>
    OpenAIResponsesStream,
}
