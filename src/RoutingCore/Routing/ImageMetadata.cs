namespace RoutingCore;

/// <summary>What the host knows about a remote image.</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Format">Format, when known.</param>
public sealed record ImageMetadata(int Width, int Height, ImageFormat Format = ImageFormat.Unknown);
