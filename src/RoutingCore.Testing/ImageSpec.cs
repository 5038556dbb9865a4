namespace RoutingCore.Testing;

/// <summary>One image input of a generated request: a real header of the given format and size, or a URL.</summary>
/// <param name="Format">PNG, JPEG, GIF or WebP (ignored for URLs).</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="IsUrl">A public https URL instead of inline data.</param>
/// <param name="Detail">OpenAI detail, or null.</param>
public sealed record ImageSpec(ImageFormat Format, int Width, int Height, bool IsUrl, string? Detail);
