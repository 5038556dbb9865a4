namespace RoutingCore.Catalog;

/// <summary>
/// Drops, once per snapshot, the alias candidates that can never be chosen nor be a fallback: a model dominated by
/// at least <c>keep</c> others (1 + MaxFallbacks) always has that many ranked above it (spec R-POL-5).
/// </summary>
/// <remarks>
/// <para>A dominates B when A's id sorts first (so A also wins every exact tie) and, for every request, A is eligible
/// whenever B is and scores at least as well: at least B's capabilities, quality, context window and output limit;
/// at most B's prices and default output; the same image-token formula and constants with at least B's image limits
/// and formats and no stricter media-type check; and for image output at least B's sizes and count, with the same
/// price keys, each no dearer.</para>
/// <para>"Scores at least as well" holds for policies whose score never falls as quality rises or cost falls; only
/// the three built-in policies are known to be such, so for any other policy nothing is pruned. Budgets keep the
/// argument (a dominator costs no more); allow-lists do not, so the router walks the full list when one is given.</para>
/// </remarks>
internal static class CatalogFrontier
{
    /// <summary>Above this many candidates the quadratic build is skipped (the full list is used).</summary>
    private const int MaxCandidates = 5000;

    public static ModelEntry[] Prune(ModelEntry[] ranked, IRoutingPolicy policy, int keep)
    {
        bool monotone = ReferenceEquals(policy, RoutingPolicies.Balanced) || ReferenceEquals(policy, RoutingPolicies.Cheapest)
            || ReferenceEquals(policy, RoutingPolicies.Quality);
        if (!monotone || ranked.Length <= keep || ranked.Length > MaxCandidates) return ranked;
        var kept = new List<ModelEntry>(ranked.Length);
        foreach (var b in ranked)
        {
            int dominators = 0;
            foreach (var a in ranked)
            {
                if (!ReferenceEquals(a, b) && Dominates(a, b) && ++dominators >= keep) break;
            }
            if (dominators < keep) kept.Add(b);
        }
        return kept.Count == ranked.Length ? ranked : [.. kept];
    }

    internal static bool Dominates(ModelEntry a, ModelEntry b)
    {
        if (string.CompareOrdinal(a.Id, b.Id) >= 0) return false;
        if ((a.Capabilities & b.Capabilities) != b.Capabilities || a.Quality < b.Quality) return false;
        if ((a.Endpoints & b.Endpoints) != b.Endpoints) return false;
        if (a.TokenizerIndex != b.TokenizerIndex) return false; // an exact count may price either one's text lower
        if (a.InputPicoPerToken > b.InputPicoPerToken || a.OutputPicoPerToken > b.OutputPicoPerToken) return false;
        if (a.DefaultOutputTokens > b.DefaultOutputTokens) return false;
        if (!AtLeast(a.ContextWindow, b.ContextWindow) || !AtLeast(a.MaxOutputTokens, b.MaxOutputTokens)) return false;
        return ImageInputDominates(a.ImageInput, b.ImageInput) && ImageOutputDominates(a.ImageOutput, b.ImageOutput);
    }

    /// <summary>0 means unlimited.</summary>
    private static bool AtLeast(long a, long b) => a == 0 || (b != 0 && a >= b);

    private static bool ImageInputDominates(ImageInputSpec? a, ImageInputSpec? b)
    {
        if (b is null) return true; // B never takes images, so A's image rules cannot make it lose where B wins
        if (a is null) return false;
        return a.Formula == b.Formula && a.BaseTokens == b.BaseTokens && a.TileTokens == b.TileTokens
            && a.Multiplier.Equals(b.Multiplier) && a.PatchSize == b.PatchSize && a.MaxEdge == b.MaxEdge && a.MaxTokens == b.MaxTokens
            && a.TokensPerImage == b.TokensPerImage && a.AssumedWidth == b.AssumedWidth && a.AssumedHeight == b.AssumedHeight
            && (a.Formats & b.Formats) == b.Formats && (a.AllowAnimated || !b.AllowAnimated) && (!a.StrictMediaType || b.StrictMediaType)
            && AtLeast(a.MaxImages, b.MaxImages) && AtLeast(a.MaxImageBytes, b.MaxImageBytes) && AtLeast(a.MaxDimension, b.MaxDimension);
    }

    private static bool ImageOutputDominates(ImageOutputSpec? a, ImageOutputSpec? b)
    {
        if (b is null) return true;
        if (a is null) return false;
        if (!AtLeast(a.MaxImages, b.MaxImages) || a.DefaultWidth != b.DefaultWidth || a.DefaultHeight != b.DefaultHeight) return false;
        if (a.PricePerImagePico > b.PricePerImagePico) return false;
        if (a.Sizes.Length > 0 && (b.Sizes.Length == 0 || !b.Sizes.All(s => a.Sizes.Contains(s)))) return false;
        if (a.Prices.Length != b.Prices.Length) return false;
        for (int i = 0; i < a.Prices.Length; i++)
        {
            var (pa, pb) = (a.Prices[i], b.Prices[i]); // both sorted by (width, height, quality) at build
            if (pa.Width != pb.Width || pa.Height != pb.Height || pa.Quality != pb.Quality || pa.PricePico > pb.PricePico) return false;
        }
        return true;
    }
}
