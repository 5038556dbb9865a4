namespace RoutingCore;

/// <summary>One price rule of an image-output model; 0 width or <see cref="ImageQuality.Unspecified"/> matches any.</summary>
public readonly record struct ImagePriceRule(int Width, int Height, ImageQuality Quality, decimal Price)
{
    internal long PricePico { get; init; }
}
