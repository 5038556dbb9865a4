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
