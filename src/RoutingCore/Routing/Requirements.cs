using RoutingCore.Parsing;

namespace RoutingCore.Routing;

/// <summary>Stage two of the data flow: what a scanned request needs from a model (spec R-REQ-*).</summary>
internal static class Requirements
{
    public static Capabilities From(RequestFacts facts)
    {
        var needs = facts.ImageOutputRequested ? Capabilities.ImageOutput : Capabilities.Text;
        if (facts.ImageCount > 0) needs |= Capabilities.Vision;
        if (facts.HasTools) needs |= Capabilities.Tools;
        if (facts.JsonSchema) needs |= Capabilities.JsonSchema;
        if (facts.Reasoning) needs |= Capabilities.Reasoning;
        return needs;
    }

    public static RouteWarnings Warnings(RequestFacts facts)
    {
        var w = RouteWarnings.None;
        foreach (ref readonly var image in facts.ImageSpan)
        {
            if (image.MediaTypeMismatch) w |= RouteWarnings.ImageMediaTypeMismatch;
            if (!image.DimensionsKnown) w |= RouteWarnings.AssumedImageDimensions;
        }
        if (facts.AnyImageBeforeText) w |= RouteWarnings.ImageBeforeText;
        if (facts.PreviousResponse) w |= RouteWarnings.PreviousResponseNotEstimated;
        return w;
    }
}

/// <summary>Stage three: whether one candidate can serve the request, and if not, why (spec R-ELIG-*).</summary>
internal static class Eligibility
{
    /// <summary>Checks capabilities, image limits, output limits and the context window, in that order.</summary>
    public static RejectionReason Check(ModelEntry model, RequestFacts facts, Capabilities needs, out CostEstimate estimate, out int imageIndex)
    {
        estimate = default;
        imageIndex = -1;
        // The shape comes first: a model that cannot take the body as-is is never a candidate (spec R-ELIG-3).
        if ((model.Endpoints & EndpointNames.ToSet(facts.Endpoint)) == 0) return RejectionReason.EndpointUnsupported;
        if (!model.Has(needs)) return RejectionReason.MissingCapability;

        if (facts.ImageCount > 0 && model.ImageInput is { } input)
        {
            if (input.MaxImages > 0 && facts.ImageCount > input.MaxImages) return RejectionReason.TooManyImages;
            var images = facts.ImageSpan;
            for (int i = 0; i < images.Length; i++)
            {
                ref readonly var image = ref images[i];
                imageIndex = i;
                if (image.Source == ImageSourceKind.Data || image.Format != ImageFormat.Unknown)
                {
                    if ((input.Formats & ImageFormats.ToSet(image.Format)) == 0) return RejectionReason.UnsupportedImageFormat;
                }
                if (image.Animated && !input.AllowAnimated) return RejectionReason.AnimatedImageUnsupported;
                if (input.StrictMediaType && image.MediaTypeMismatch) return RejectionReason.MediaTypeMismatch;
                if (input.MaxDimension > 0 && (image.Width > input.MaxDimension || image.Height > input.MaxDimension)) return RejectionReason.ImageTooLarge;
                if (input.MaxImageBytes > 0 && image.Bytes > input.MaxImageBytes) return RejectionReason.ImageTooLarge;
            }
            imageIndex = -1;
        }

        if (facts.ImageOutputRequested && model.ImageOutput is { } output)
        {
            if (output.MaxImages > 0 && facts.OutputImageCount > output.MaxImages) return RejectionReason.TooManyOutputImages;
            if (facts.OutputWidth > 0 && output.Sizes.Length > 0 && !Contains(output.Sizes, facts.OutputWidth, facts.OutputHeight))
                return RejectionReason.SizeNotAllowed;
            if (facts.AspectWidth > 0 && output.AspectRatios.Length > 0 && !Contains(output.AspectRatios, facts.AspectWidth, facts.AspectHeight))
                return RejectionReason.AspectRatioNotAllowed;
            if (facts.ResolutionLength > 0 && output.ResolutionsUtf8.Length > 0 && !ContainsName(output.ResolutionsUtf8, facts.Resolution))
                return RejectionReason.ResolutionNotAllowed;
        }

        if (model.MaxOutputTokens > 0 && facts.MaxTokens > model.MaxOutputTokens) return RejectionReason.OutputTooLong;

        estimate = Estimation.CostEstimator.Estimate(model, facts);
        if (model.ContextWindow > 0 && facts.Endpoint != RequestEndpoint.ImageGenerations
            && estimate.InputTokens + estimate.OutputTokens / facts.Completions > model.ContextWindow)
            return RejectionReason.ContextLengthExceeded;
        return RejectionReason.None;
    }

    private static bool ContainsName(byte[][] names, ReadOnlySpan<byte> name)
    {
        foreach (var n in names) if (name.SequenceEqual(n)) return true;
        return false;
    }

    private static bool Contains((int Width, int Height)[] sizes, int w, int h)
    {
        foreach (var (sw, sh) in sizes) if (sw == w && sh == h) return true;
        return false;
    }
}
