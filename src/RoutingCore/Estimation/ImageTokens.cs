namespace RoutingCore;

/// <summary>
/// Image input tokens by each provider's published formula (spec R-EST-1..6). All integer
/// arithmetic is 64-bit (128-bit where a product of two 31-bit sides is doubled), so header claims such as
/// 100000×100000 or 2³¹−1 wide never overflow.
/// </summary>
public static class ImageTokens
{
    /// <summary>Tokens for an image of the given size on a model with <paramref name="spec"/>.</summary>
    public static long Compute(ImageInputSpec spec, long width, long height, ImageDetail detail = ImageDetail.Unspecified)
    {
        ArgumentNullException.ThrowIfNull(spec);
        width = Math.Max(1, width);
        height = Math.Max(1, height);
        return spec.Formula switch
        {
            ImageTokenFormula.OpenAITile => OpenAITile(spec.BaseTokens, spec.TileTokens, width, height, detail),
            ImageTokenFormula.OpenAIPatch => OpenAIPatch(spec.Multiplier, width, height),
            ImageTokenFormula.Anthropic => Anthropic(spec.PatchSize, spec.MaxEdge, spec.MaxTokens, width, height),
            ImageTokenFormula.Gemini => Gemini(spec.TileTokens, width, height),
            _ => spec.TokensPerImage,
        };
    }

    /// <summary>
    /// Tokens for an image whose size is unknown (a URL): the configured assumed size, else the formula's most
    /// expensive case: <c>openai-tile</c> 8 tiles (768×2048 after scaling), <c>openai-patch</c> the 1536-patch cap,
    /// <c>anthropic</c> its <c>MaxTokens</c> cap, <c>flat</c> its constant. <c>gemini</c> has no finite worst case
    /// (thin strips grow without bound), so a 4:1 image (3072×768, 12 tiles) is assumed.
    /// </summary>
    public static long Assumed(ImageInputSpec spec, ImageDetail detail = ImageDetail.Unspecified)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.AssumedWidth > 0 && spec.AssumedHeight > 0) return Compute(spec, spec.AssumedWidth, spec.AssumedHeight, detail);
        return spec.Formula switch
        {
            ImageTokenFormula.OpenAITile => detail == ImageDetail.Low ? spec.BaseTokens : spec.BaseTokens + 8L * spec.TileTokens,
            ImageTokenFormula.OpenAIPatch => CeilTolerant(1536 * spec.Multiplier),
            ImageTokenFormula.Anthropic => spec.MaxTokens,
            ImageTokenFormula.Gemini => Gemini(spec.TileTokens, 3072, 768),
            _ => spec.TokensPerImage,
        };
    }

    /// <summary><c>openai-tile</c>: fit in 2048², shorten the short side to 768 (never upscale), count 512-px tiles.</summary>
    public static long OpenAITile(long baseTokens, long tileTokens, long w, long h, ImageDetail detail)
    {
        if (detail == ImageDetail.Low) return baseTokens;
        if (Math.Max(w, h) > 2048)
        {
            if (w >= h) { h = h * 2048 / w; w = 2048; }
            else { w = w * 2048 / h; h = 2048; }
        }
        if (Math.Min(w, h) > 768)
        {
            if (w <= h) { h = h * 768 / w; w = 768; }
            else { w = w * 768 / h; h = 768; }
        }
        w = Math.Max(1, w); h = Math.Max(1, h);
        long tiles = CeilDiv(w, 512) * CeilDiv(h, 512);
        return baseTokens + tileTokens * tiles;
    }

    /// <summary><c>openai-patch</c>: 32-px patches; above 1536 the image is scaled to fit (ceil with a 1e-6 tolerance).</summary>
    public static long OpenAIPatch(double multiplier, long w, long h)
    {
        long raw = CeilDiv(w, 32) * CeilDiv(h, 32);
        long patches = raw;
        if (raw > 1536)
        {
            double dw = w, dh = h;
            double r = Math.Sqrt(32.0 * 32.0 * 1536.0 / (dw * dh));
            double fit = Math.Min(Math.Floor(dw * r / 32) / (dw * r / 32), Math.Floor(dh * r / 32) / (dh * r / 32));
            // For extreme aspect ratios one side rounds to zero patches; the published adjustment would then price
            // the image at nothing, so it is skipped and the 1536 cap applies instead (never under-estimate).
            if (fit > 0) r *= fit;
            patches = Math.Min(CeilTolerant(dw * r / 32) * CeilTolerant(dh * r / 32), 1536);
            patches = Math.Max(1, patches);
        }
        return CeilTolerant(patches * multiplier);
    }

    /// <summary><c>anthropic</c>: 28-px patches after resizing (half-up) to the largest size within the edge and token limits.</summary>
    public static long Anthropic(long patchSize, long maxEdge, long maxTokens, long w, long h)
    {
        if (Fits(w, h)) return Tokens(w, h);
        long longSide = Math.Max(w, h), shortSide = Math.Min(w, h);
        long lo = 1, hi = longSide;
        while (lo < hi)
        {
            long mid = lo + (hi - lo + 1) / 2;
            if (Fits(mid, Short(mid))) lo = mid; else hi = mid - 1;
        }
        return Tokens(lo, Short(lo));

        long Short(long l) => Math.Max(1, (long)((2 * (Int128)l * shortSide + longSide) / (2 * (Int128)longSide)));
        long Tokens(long a, long b) => CeilDiv(a, patchSize) * CeilDiv(b, patchSize);
        bool Fits(long a, long b) => CeilDiv(a, patchSize) * patchSize <= maxEdge && CeilDiv(b, patchSize) * patchSize <= maxEdge
            && Tokens(a, b) <= maxTokens;
    }

    /// <summary><c>gemini</c>: one tile up to 384², else tiles of <c>floor(min/1.5)</c> (at least 1 px).</summary>
    public static long Gemini(long tileTokens, long w, long h)
    {
        if (w <= 384 && h <= 384) return tileTokens;
        long crop = Math.Max(1, Math.Min(w, h) * 2 / 3);
        return tileTokens * CeilDiv(w, crop) * CeilDiv(h, crop);
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;

    private static long CeilTolerant(double x)
    {
        double f = Math.Floor(x);
        return (long)(x - f <= 1e-6 ? f : f + 1);
    }
}
