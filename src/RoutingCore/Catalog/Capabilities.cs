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
