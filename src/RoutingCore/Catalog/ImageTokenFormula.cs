namespace RoutingCore;

/// <summary>An image-token formula (spec R-EST-1..4).</summary>
public enum ImageTokenFormula : byte
{
    /// <summary><c>openai-tile</c>: base + tile × 512-px tiles after scaling.</summary>
    OpenAITile,
    /// <summary><c>openai-patch</c>: 32-px patches, capped at 1536, times a multiplier.</summary>
    OpenAIPatch,
    /// <summary><c>anthropic</c>: 28-px patches after resizing into the edge and token limits.</summary>
    Anthropic,
    /// <summary><c>gemini</c>: 258 per image up to 384², else per crop tile.</summary>
    Gemini,
    /// <summary><c>flat</c>: a fixed count per image.</summary>
    Flat,
}
