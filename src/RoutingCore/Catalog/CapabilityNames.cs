namespace RoutingCore;

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
