namespace RoutingCore;

/// <summary>Immutable image-input rules of one model, resolved from <see cref="ImageInputOptions"/>.</summary>
public sealed class ImageInputSpec
{
    /// <summary>The formula.</summary>
    public required ImageTokenFormula Formula { get; init; }
    /// <summary>Formula name as configured.</summary>
    public required string FormulaName { get; init; }
    /// <summary>openai-tile base tokens.</summary>
    public int BaseTokens { get; init; }
    /// <summary>openai-tile / gemini tile tokens.</summary>
    public int TileTokens { get; init; }
    /// <summary>openai-patch multiplier.</summary>
    public double Multiplier { get; init; }
    /// <summary>anthropic patch size.</summary>
    public int PatchSize { get; init; } = 28;
    /// <summary>anthropic max edge.</summary>
    public int MaxEdge { get; init; } = 1568;
    /// <summary>anthropic max tokens.</summary>
    public int MaxTokens { get; init; } = 1568;
    /// <summary>flat tokens per image.</summary>
    public int TokensPerImage { get; init; }
    /// <summary>Accepted formats.</summary>
    public ImageFormatSet Formats { get; init; }
    /// <summary>Animated images accepted.</summary>
    public bool AllowAnimated { get; init; }
    /// <summary>Most images per request (0 = unlimited).</summary>
    public int MaxImages { get; init; }
    /// <summary>Most bytes per inline image (0 = unlimited).</summary>
    public long MaxImageBytes { get; init; }
    /// <summary>Largest dimension (0 = unlimited).</summary>
    public int MaxDimension { get; init; }
    /// <summary>Reject declared/sniffed mismatches.</summary>
    public bool StrictMediaType { get; init; }
    /// <summary>Dimensions assumed for images of unknown size.</summary>
    public int AssumedWidth { get; init; }
    /// <summary>Dimensions assumed for images of unknown size.</summary>
    public int AssumedHeight { get; init; }
}
