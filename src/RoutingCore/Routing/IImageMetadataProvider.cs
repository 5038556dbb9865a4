using Microsoft.Extensions.Caching.Memory;

namespace RoutingCore;

/// <summary>
/// Known sizes of remote images, filled by the host out of band (for example after it fetched an image once).
/// Read on the routing path, which never waits and never fetches.
/// </summary>
public interface IImageMetadataProvider
{
    /// <summary>Looks up a URL (UTF-8). Must not block or perform I/O.</summary>
    bool TryGet(ReadOnlySpan<byte> url, out int width, out int height, out ImageFormat format);
}
