using RoutingCore.Parsing;

namespace RoutingCore.Estimation;

/// <summary>Estimates what a scanned request costs on one model (spec R-EST-1..10).</summary>
internal static class CostEstimator
{
    public static CostEstimate Estimate(ModelEntry model, RequestFacts facts)
    {
        long imageTokens = 0;
        bool assumed = false;
        if (model.ImageInput is { } spec)
        {
            foreach (ref readonly var image in facts.ImageSpan)
            {
                if (image.DimensionsKnown)
                {
                    imageTokens += ImageTokens.Compute(spec, image.Width, image.Height, image.Detail);
                }
                else
                {
                    imageTokens += ImageTokens.Assumed(spec, image.Detail);
                    assumed = true;
                }
            }
        }
        long outputTokens = facts.Endpoint == RequestEndpoint.ImageGenerations ? 0
            : (facts.MaxTokens > 0 ? facts.MaxTokens : model.DefaultOutputTokens) * facts.Completions;
        int outputImages = facts.OutputImageCount;
        long imagePrice = outputImages > 0 && model.ImageOutput is { } output
            ? PricePerImagePico(output, facts.OutputWidth, facts.OutputHeight, facts.OutputQuality)
            : 0;
        long textTokens = facts.TextTokensFor(model, out bool exact);
        long inputTokens = textTokens + imageTokens;
        long cost = Money.Add(Money.Add(Money.Multiply(inputTokens, model.InputPicoPerToken), Money.Multiply(outputTokens, model.OutputPicoPerToken)),
            Money.Multiply(outputImages, imagePrice));
        return new CostEstimate(textTokens, imageTokens, outputTokens, outputImages, cost, assumed) { TextTokensExact = exact };
    }

    /// <summary>
    /// The price of one generated image: <c>WxH/quality</c>, then <c>WxH</c>, then <c>quality</c>, then
    /// <see cref="ImageOutputSpec.PricePerImage"/>, in pico-dollars. A missing or <c>auto</c> quality takes the most expensive listed
    /// quality; a missing size takes the default size, or without one the most expensive price of all.
    /// </summary>
    public static long PricePerImagePico(ImageOutputSpec spec, int width, int height, ImageQuality quality)
    {
        bool anyQuality = quality is ImageQuality.Unspecified or ImageQuality.Auto;
        if (width == 0)
        {
            if (spec.DefaultWidth == 0) return MaxPrice(spec);
            width = spec.DefaultWidth;
            height = spec.DefaultHeight;
        }
        var rules = spec.Prices;
        long best = -1;
        foreach (var r in rules)
        {
            if (r.Width == width && r.Height == height && r.Quality != ImageQuality.Unspecified && (anyQuality || r.Quality == quality))
                best = Math.Max(best, r.PricePico);
        }
        if (best >= 0) return best;
        foreach (var r in rules)
        {
            if (r.Width == width && r.Height == height && r.Quality == ImageQuality.Unspecified) return r.PricePico;
        }
        foreach (var r in rules)
        {
            if (r.Width == 0 && r.Quality != ImageQuality.Unspecified && (anyQuality || r.Quality == quality))
                best = Math.Max(best, r.PricePico);
        }
        return best >= 0 ? best : spec.PricePerImagePico;
    }

    private static long MaxPrice(ImageOutputSpec spec)
    {
        long max = spec.PricePerImagePico;
        foreach (var r in spec.Prices) max = Math.Max(max, r.PricePico);
        return max;
    }
}
