namespace RoutingCore;

/// <summary>Immutable image-output rules of one model, resolved from <see cref="ImageOutputOptions"/>.</summary>
public sealed class ImageOutputSpec
{
    /// <summary>Fallback price per image.</summary>
    public decimal PricePerImage { get; init; }
    internal long PricePerImagePico { get; init; }
    /// <summary>Most images per request (0 = unlimited).</summary>
    public int MaxImages { get; init; }
    /// <summary>Default size width (0 when none).</summary>
    public int DefaultWidth { get; init; }
    /// <summary>Default size height.</summary>
    public int DefaultHeight { get; init; }
    /// <summary>Allowed sizes (empty = any).</summary>
    public required (int Width, int Height)[] Sizes { get; init; }
    /// <summary>Price rules.</summary>
    public required ImagePriceRule[] Prices { get; init; }
    /// <summary>True when the model bills generated images by <c>usage</c> tokens (<see cref="ImageOutputOptions.OutputPerMillion"/> set).</summary>
    public bool TokenBilled { get; init; }
    /// <summary>USD per million text input tokens (token-billed models).</summary>
    public decimal TextInputPerMillion { get; init; }
    /// <summary>USD per million image input tokens (token-billed models).</summary>
    public decimal ImageInputPerMillion { get; init; }
    /// <summary>USD per million image output tokens (token-billed models).</summary>
    public decimal OutputPerMillion { get; init; }
    internal long TextInputPico { get; init; }
    internal long ImageInputPico { get; init; }
    internal long OutputPico { get; init; }
    /// <summary>Allowed aspect ratios (empty = any).</summary>
    public (int Width, int Height)[] AspectRatios { get; init; } = [];
    /// <summary>Allowed resolutions, upper-case (empty = any).</summary>
    public IReadOnlyList<string> Resolutions { get; init; } = [];
    internal byte[][] ResolutionsUtf8 { get; init; } = [];
}
