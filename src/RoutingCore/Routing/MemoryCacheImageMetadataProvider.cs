using Microsoft.Extensions.Caching.Memory;

namespace RoutingCore;

/// <summary>An <see cref="IImageMetadataProvider"/> over an <see cref="IMemoryCache"/>.</summary>
/// <remarks>The lookup turns the URL into a string key: one allocation per URL image, paid only when the host plugs
/// a cache in. Entries are <see cref="ImageMetadata"/> values under the key <c>routingcore:url:</c> + URL.</remarks>
public sealed class MemoryCacheImageMetadataProvider(IMemoryCache cache) : IImageMetadataProvider
{
    private const string Prefix = "routingcore:url:";

    /// <summary>Records a URL's metadata (the host calls this, never the router).</summary>
    public void Set(string url, ImageMetadata metadata, MemoryCacheEntryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        cache.Set(Prefix + url, metadata, options ?? new MemoryCacheEntryOptions());
    }

    /// <inheritdoc/>
    public bool TryGet(ReadOnlySpan<byte> url, out int width, out int height, out ImageFormat format)
    {
        width = height = 0;
        format = ImageFormat.Unknown;
        if (!cache.TryGetValue(Prefix + Encoding.UTF8.GetString(url), out ImageMetadata? m) || m is null) return false;
        width = m.Width; height = m.Height; format = m.Format;
        return width > 0 && height > 0;
    }
}
