using System.Runtime.CompilerServices;
using RoutingCore.Parsing;

namespace RoutingCore.Routing;

/// <summary>
/// Stages three to five of the data flow: candidates → scores → decision. Pure: the same snapshot, facts and
/// context always give the same decision. Reads nothing but its arguments.
/// </summary>
internal static class Router
{
    /// <summary>A kept candidate: just what ranking compares (the chosen one's full estimate is recomputed once).</summary>
    private struct Ranked
    {
        public ModelEntry Model;
        public double Score;
        public long CostPico;
        public bool Meets;
        public bool Degraded;
    }

    [InlineArray(FallbackBuffer.MaxCount + 1)]
    private struct TopBuffer
    {
        private Ranked _first;
    }

    public static RouteDecision Route(CatalogSnapshot snapshot, RequestFacts facts, in RouteContext context, RouteDetails? details)
    {
        if (facts.Error != RouteErrorCode.None)
        {
            return Reject(snapshot, facts, new RouteError(facts.Error, facts.ErrorParam, facts.ErrorDetail), null, null, AliasKind.Direct, default);
        }

        var needs = Requirements.From(facts);
        var warnings = Requirements.Warnings(facts);

        if (facts.ModelTooLong || !snapshot.TryResolve(facts.Model, out var model, out var alias))
        {
            return Reject(snapshot, facts, new RouteError(RouteErrorCode.UnknownModel, new JsonParam("model"),
                "The model is neither a model nor an alias of the catalog."), null, null, AliasKind.Direct, needs, warnings);
        }

        if (model is not null || alias!.Kind == AliasKind.Pinned)
        {
            var kind = model is not null ? AliasKind.Direct : AliasKind.Pinned;
            return RouteSingle(snapshot, facts, context, details, model ?? alias!.Target!, alias, kind, needs, warnings);
        }

        var candidates = alias.Candidates;
        var frontier = alias.Frontier;
        var aliasKind = alias.Kind;
        double? difficulty = null, required = null;
        if (aliasKind == AliasKind.Auto)
        {
            // Every auto route reports its difficulty (R-DIFF-1); only a Tradeoff makes it choose (R-DIFF-5).
            difficulty = DifficultyEstimators.Sanitize(snapshot.DifficultyEstimator.Estimate(facts.Signals));
            // With live calibration the difficulty is the request's place in this alias's recent traffic (R-DIFF-8).
            if (alias.Live is { } live) difficulty = live.Record(difficulty.Value);
            if (alias.Tradeoff is { } tradeoff && !facts.ImageOutputRequested) required = RequiredQuality(alias, difficulty.Value, tradeoff);
        }
        if (aliasKind == AliasKind.Auto && facts.ImageOutputRequested)
        {
            candidates = snapshot.ImageOutputModels;
            frontier = snapshot.ImageOutputFrontier;
            warnings |= RouteWarnings.AutoAliasImageGeneration;
        }
        // An allow-list may exclude the models that dominate others, and an explanation lists every candidate:
        // both walk the full list. Otherwise the frontier gives the same decision (spec R-POL-5).
        // A health view can cool down the models that dominate others: it walks the full list too (R-HEALTH-1).
        bool full = context.AllowedModels is not null || details is { Explain: true } || context.Health is not null;
        var decision = RouteAlias(snapshot, facts, context, details, alias, aliasKind, full ? candidates : frontier, candidates, needs, warnings, required);
        return difficulty is null ? decision : decision with { Difficulty = difficulty, RequiredQuality = required };
    }

    /// <summary>
    /// The quality a request at percentile <paramref name="difficulty"/> needs under <paramref name="tradeoff"/> t
    /// (R-DIFF-5): <c>QualityMin + (QualityMax − QualityMin) × r</c> with the relative level
    /// <c>r = clamp(ln(1 − d) / ln(t) − 1, 0, 1)</c>, so that the share of traffic needing more than relative level r
    /// is <c>t^(1 + r)</c>: t of it needs more than the bottom (in a two-model catalog, t goes up), <c>t²</c> needs the
    /// top, and each level between gets the slice between its neighbours. The bottom at t = 0, the top at t = 1;
    /// non-decreasing in both d and t.
    /// </summary>
    internal static double RequiredQuality(AliasEntry alias, double difficulty, double tradeoff)
    {
        double lo = alias.QualityMin, hi = alias.QualityMax;
        double r = RelativeLevel(difficulty, tradeoff);
        return r >= 1 ? hi : Math.Min(hi, lo + (hi - lo) * r);
    }

    /// <summary>The relative quality level in [0, 1] a request at percentile <paramref name="d"/> needs under <paramref name="t"/> (R-DIFF-5).</summary>
    internal static double RelativeLevel(double d, double t)
    {
        if (!(t > 0)) return 0;
        if (t >= 1 || d >= 1) return 1;
        if (!(d > 0)) return 0;
        double r = Math.Log(1 - d) / Math.Log(t) - 1;
        return r <= 0 ? 0 : r >= 1 ? 1 : r;
    }

    private static RouteDecision RouteSingle(CatalogSnapshot snapshot, RequestFacts facts, in RouteContext context, RouteDetails? details,
        ModelEntry model, AliasEntry? alias, AliasKind kind, Capabilities needs, RouteWarnings warnings)
    {
        if (context.AllowedModels is { } allowed && !allowed.Contains(model.Id))
        {
            return Reject(snapshot, facts, new RouteError(RouteErrorCode.ModelNotAllowed, new JsonParam("model"),
                "The model is not in this tenant's allow-list.", model), model, alias, kind, needs, warnings);
        }
        var reason = Evaluate(model, facts, needs, MaxPico(context), out var estimate, out int imageIndex);
        if (details is { Explain: true })
        {
            details.CandidateList.Add(new RouteExplanation(model, reason == RejectionReason.None ? "chosen" : "rejected",
                double.NaN, estimate.CostUsd, reason));
        }
        if (reason != RejectionReason.None)
        {
            return Reject(snapshot, facts, ErrorFor(reason, model, facts, needs, imageIndex), model, alias, kind, needs, warnings);
        }
        details?.SetImageTokens(model);
        FallbackBuffer none = default;
        // A pinned or direct model has nothing to fall back to: it serves while cooling down, and says so.
        if (context.Health?.GetStatus(model) == HealthStatus.CoolingDown) warnings |= RouteWarnings.CoolingDownServed;
        return new RouteDecision(snapshot, facts.Endpoint, default, model, alias, kind, needs, estimate, warnings, facts.ImageCount, none, 0, facts.Forward);
    }

    private static RouteDecision RouteAlias(CatalogSnapshot snapshot, RequestFacts facts, in RouteContext context, RouteDetails? details,
        AliasEntry alias, AliasKind kind, ModelEntry[] candidates, ModelEntry[] allCandidates, Capabilities needs, RouteWarnings warnings, double? required)
    {
        bool byQuality = required is not null;
        double need = required ?? 0;
        var policy = snapshot.Policy;
        int keep = Math.Min(snapshot.MaxFallbacks, FallbackBuffer.MaxCount) + 1;
        TopBuffer top = default, cooling = default;
        int count = 0, coolingCount = 0;
        int reasons = 0;
        bool explain = details is { Explain: true };
        var allowed = context.AllowedModels;
        var health = context.Health;
        long? maxCost = MaxPico(context);

        foreach (var model in candidates)
        {
            // Candidates come ordered by the policy's score bound: once the next bound is below the worst score
            // kept, no later candidate can enter the top (ties still enter, so tie-breaking is unaffected).
            if (count == keep && !explain && !byQuality && health is null && policy.MaxScore(model) < top[keep - 1].Score) break;
            RejectionReason reason;
            CostEstimate estimate = default;
            if (allowed is not null && !allowed.Contains(model.Id)) reason = RejectionReason.NotAllowed;
            else reason = Evaluate(model, facts, needs, maxCost, out estimate, out _);
            if (reason != RejectionReason.None)
            {
                reasons |= 1 << (int)reason;
                if (explain) details!.CandidateList.Add(new RouteExplanation(model, "rejected", double.NaN, estimate.CostUsd, reason));
                continue;
            }
            // With a Tradeoff the score is the quality margin over the required quality (>= 0: meets it).
            double score = byQuality ? model.Quality - need : policy.Score(model, estimate);
            var status = health?.GetStatus(model) ?? HealthStatus.Healthy;
            var ranked = new Ranked { Model = model, Score = score, CostPico = estimate.CostPicoUsd, Meets = model.Quality >= need, Degraded = status == HealthStatus.Degraded };
            if (status == HealthStatus.CoolingDown)
            {
                // Kept aside: the least-bad of them serves only when nothing else is eligible (R-HEALTH-1).
                if (explain) details!.CandidateList.Add(new RouteExplanation(model, "rejected", score, estimate.CostUsd, RejectionReason.CoolingDown));
                Insert(ref cooling, ref coolingCount, keep, ranked, byQuality);
                continue;
            }
            if (explain) details!.CandidateList.Add(new RouteExplanation(model, ranked.Degraded ? "degraded" : "eligible", score, estimate.CostUsd, RejectionReason.None));
            Insert(ref top, ref count, keep, ranked, byQuality);
        }

        if (count == 0 && coolingCount > 0)
        {
            top = cooling;
            count = coolingCount;
            warnings |= RouteWarnings.CoolingDownServed;
        }
        if (count == 0)
        {
            // Nothing on the frontier is eligible, so nothing at all is; the reasons come from every candidate.
            if (!ReferenceEquals(candidates, allCandidates)) reasons = Reasons(allCandidates, facts, needs, maxCost);
            bool onlyBudget = reasons == 1 << (int)RejectionReason.OverBudget;
            var error = onlyBudget
                ? new RouteError(RouteErrorCode.OverBudget, new JsonParam("model"), "Every eligible model costs more than the host's maximum.")
                : new RouteError(RouteErrorCode.NoEligibleModel, new JsonParam("model"), $"No model of alias '{alias.Id}' meets the request.", null, default, reasons);
            if (explain) SortExplanations(details!.CandidateList, null, byQuality);
            return Reject(snapshot, facts, error, null, alias, kind, needs, warnings);
        }

        FallbackBuffer fallbacks = default;
        for (int i = 1; i < count; i++) fallbacks[i - 1] = top[i].Model;
        var chosen = top[0].Model;
        if (explain) SortExplanations(details!.CandidateList, chosen, byQuality);
        details?.SetImageTokens(chosen);
        return new RouteDecision(snapshot, facts.Endpoint, default, chosen, alias, kind, needs, Estimation.CostEstimator.Estimate(chosen, facts),
            warnings, facts.ImageCount, fallbacks, count - 1, facts.Forward);
    }

    private static int Reasons(ModelEntry[] candidates, RequestFacts facts, Capabilities needs, long? maxCost)
    {
        int reasons = 0;
        foreach (var model in candidates) reasons |= 1 << (int)Evaluate(model, facts, needs, maxCost, out _, out _);
        return reasons & ~1;
    }

    /// <summary>Eligibility (R-REQ-2), then the host's budget (R-HOST-2): the one rejection test every path uses.</summary>
    private static RejectionReason Evaluate(ModelEntry model, RequestFacts facts, Capabilities needs, long? maxCost, out CostEstimate estimate, out int imageIndex)
    {
        var reason = Eligibility.Check(model, facts, needs, out estimate, out imageIndex);
        if (reason == RejectionReason.None && maxCost is { } max && estimate.CostPicoUsd > max) reason = RejectionReason.OverBudget;
        // The heuristic is an upper bound: an exact count could admit this candidate (R-EST-12). Say so to the engine.
        if (reason is RejectionReason.ContextLengthExceeded or RejectionReason.OverBudget && model.TokenizerIndex >= 0 && !estimate.TextTokensExact
            && facts.ExactText[model.TokenizerIndex] < 0)
        {
            facts.ExactWanted |= 1 << model.TokenizerIndex;
        }
        return reason;
    }

    /// <summary>Keeps the best <paramref name="keep"/> candidates sorted (<see cref="Better"/> or, with a Tradeoff, <see cref="BetterByQuality"/>).</summary>
    private static void Insert(ref TopBuffer top, ref int count, int keep, Ranked item, bool byQuality)
    {
        int at = count;
        while (at > 0 && Ahead(item, top[at - 1], byQuality)) at--;
        if (at >= keep) return;
        int last = Math.Min(count, keep - 1);
        for (int i = last; i > at; i--) top[i] = top[i - 1];
        top[at] = item;
        if (count < keep) count++;
    }

    /// <summary>Healthy before degraded (R-HEALTH-1), then the ranking of the mode.</summary>
    private static bool Ahead(in Ranked a, in Ranked b, bool byQuality) =>
        a.Degraded != b.Degraded ? !a.Degraded : byQuality ? BetterByQuality(a, b) : Better(a, b);

    /// <summary>
    /// With a Tradeoff (R-DIFF-5): candidates that meet the required quality first, cheapest first (then higher
    /// quality); then the rest, highest quality first (then cheaper); ordinal id last.
    /// </summary>
    private static bool BetterByQuality(in Ranked a, in Ranked b)
    {
        if (a.Meets != b.Meets) return a.Meets;
        if (a.Meets)
        {
            if (a.CostPico != b.CostPico) return a.CostPico < b.CostPico;
            if (a.Model.Quality != b.Model.Quality) return a.Model.Quality > b.Model.Quality;
        }
        else
        {
            if (a.Model.Quality != b.Model.Quality) return a.Model.Quality > b.Model.Quality;
            if (a.CostPico != b.CostPico) return a.CostPico < b.CostPico;
        }
        return string.CompareOrdinal(a.Model.Id, b.Model.Id) < 0;
    }

    private static bool Better(in Ranked a, in Ranked b)
    {
        if (a.Score != b.Score) return a.Score > b.Score;
        if (a.CostPico != b.CostPico) return a.CostPico < b.CostPico;
        return string.CompareOrdinal(a.Model.Id, b.Model.Id) < 0;
    }

    /// <summary>The host's budget in pico-dollars (rounded down: a cost equal to the budget still fits).</summary>
    private static long? MaxPico(in RouteContext context) =>
        context.MaxCostUsd is not { } max ? null : max <= 0 ? 0 : max >= long.MaxValue / Estimation.Money.PicoPerUsd ? long.MaxValue
        : (long)decimal.Truncate(max * Estimation.Money.PicoPerUsd);

    private static void SortExplanations(List<RouteExplanation> list, ModelEntry? chosen, bool byQuality = false)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (ReferenceEquals(list[i].Model, chosen)) list[i] = list[i] with { Status = "chosen" };
        }
        // Chosen first, then eligible in the decision's order, then degraded ones (R-HEALTH-1) likewise, then rejected by id.
        list.Sort(byQuality ? ByQuality : ByScore);

        static int ByScore(RouteExplanation a, RouteExplanation b)
        {
            int ra = Rank(a.Status), rb = Rank(b.Status);
            if (ra != rb) return ra.CompareTo(rb);
            if (ra == 3) return string.CompareOrdinal(a.Model.Id, b.Model.Id);
            int s = b.Score.CompareTo(a.Score);
            if (s != 0) return s;
            int c = a.CostUsd.CompareTo(b.CostUsd);
            return c != 0 ? c : string.CompareOrdinal(a.Model.Id, b.Model.Id);
        }

        // With a Tradeoff the score is the quality margin: those that meet it by cost, the rest by quality.
        static int ByQuality(RouteExplanation a, RouteExplanation b)
        {
            int ra = Rank(a.Status), rb = Rank(b.Status);
            if (ra != rb) return ra.CompareTo(rb);
            if (ra == 3) return string.CompareOrdinal(a.Model.Id, b.Model.Id);
            bool ma = a.Score >= 0, mb = b.Score >= 0;
            if (ma != mb) return ma ? -1 : 1;
            int c = ma ? a.CostUsd.CompareTo(b.CostUsd) : b.Score.CompareTo(a.Score);
            if (c != 0) return c;
            c = ma ? b.Score.CompareTo(a.Score) : a.CostUsd.CompareTo(b.CostUsd);
            return c != 0 ? c : string.CompareOrdinal(a.Model.Id, b.Model.Id);
        }

        static int Rank(string status) => status switch { "chosen" => 0, "eligible" => 1, "degraded" => 2, _ => 3 };
    }

    private static RouteError ErrorFor(RejectionReason reason, ModelEntry model, RequestFacts facts, Capabilities needs, int imageIndex)
    {
        JsonParam imageParam = imageIndex >= 0 ? ImageParam(facts.Images[imageIndex]) : ListParam(facts);
        switch (reason)
        {
            case RejectionReason.MissingCapability:
                var missing = needs & ~model.Capabilities;
                return new RouteError(RouteErrorCode.ModelLacksCapability, CapabilityParam(CapabilityNames.First(missing), facts), null, model, missing);
            case RejectionReason.TooManyImages:
                return new RouteError(RouteErrorCode.TooManyImages, ListParam(facts), "The request has more images than the model accepts.", model);
            case RejectionReason.UnsupportedImageFormat:
                return new RouteError(RouteErrorCode.UnsupportedImageFormat, imageParam, "The image format is not accepted by the model.", model);
            case RejectionReason.AnimatedImageUnsupported:
                return new RouteError(RouteErrorCode.AnimatedImageUnsupported, imageParam, "The model accepts only still images.", model);
            case RejectionReason.ImageTooLarge:
                return new RouteError(RouteErrorCode.ImageTooLarge, imageParam, "The image exceeds the model's dimension or byte limit.", model);
            case RejectionReason.MediaTypeMismatch:
                return new RouteError(RouteErrorCode.InvalidImageData, imageParam, "The declared media type does not match the image bytes.", model);
            case RejectionReason.OutputTooLong:
                return new RouteError(RouteErrorCode.InvalidParameter, new JsonParam(facts.Endpoint == RequestEndpoint.Responses ? "max_output_tokens" : "max_tokens"),
                    "The requested output limit is above the model's output limit.", model);
            case RejectionReason.SizeNotAllowed:
                return new RouteError(RouteErrorCode.InvalidParameter, SizeParam(facts), "The model does not offer this image size.", model);
            case RejectionReason.EndpointUnsupported:
                return new RouteError(RouteErrorCode.EndpointNotSupported, new JsonParam("model"), facts.Endpoint switch
                {
                    RequestEndpoint.Messages => "The model's upstream does not take Anthropic messages bodies.",
                    RequestEndpoint.ImageGenerations => "The model's upstream does not take images/generations bodies.",
                    RequestEndpoint.Responses => "The model's upstream does not take Responses API bodies.",
                    _ => "The model's upstream does not take chat completions bodies.",
                }, model);
            case RejectionReason.AspectRatioNotAllowed:
                return new RouteError(RouteErrorCode.InvalidParameter, new JsonParam("image_config", leaf: "aspect_ratio"), "The model does not offer this aspect ratio.", model);
            case RejectionReason.ResolutionNotAllowed:
                return new RouteError(RouteErrorCode.InvalidParameter, new JsonParam("image_config", leaf: "resolution"), "The model does not offer this resolution.", model);
            case RejectionReason.TooManyOutputImages:
                return new RouteError(RouteErrorCode.InvalidParameter, CountParam(facts), "The model generates fewer images per request.", model);
            case RejectionReason.ContextLengthExceeded:
                return new RouteError(RouteErrorCode.ContextLengthExceeded, ListParam(facts), "Estimated input plus requested output exceeds the context window.", model);
            case RejectionReason.OverBudget:
                return new RouteError(RouteErrorCode.OverBudget, new JsonParam("model"), "The estimated cost is above the host's maximum.", model);
            default:
                return new RouteError(RouteErrorCode.ModelNotAllowed, new JsonParam("model"), "The model is not allowed.", model);
        }
    }

    private static JsonParam ImageParam(in ImageFact image) => new(image.InInput ? "input" : "messages", image.MessageIndex, "content", image.PartIndex);

    private static JsonParam ListParam(RequestFacts facts) => new(facts.Endpoint == RequestEndpoint.Responses ? "input" : "messages");

    private static JsonParam CapabilityParam(Capabilities capability, RequestFacts facts) => capability switch
    {
        Capabilities.Vision => facts.ImageCount > 0 ? ImageParam(facts.Images[0]) : ListParam(facts),
        Capabilities.Tools => new JsonParam("tools"),
        Capabilities.JsonSchema => facts.Endpoint == RequestEndpoint.Responses ? new JsonParam("text", leaf: "format") : new JsonParam("response_format"),
        Capabilities.Reasoning => facts.Endpoint == RequestEndpoint.Responses ? new JsonParam("reasoning") : new JsonParam("reasoning_effort"),
        Capabilities.ImageOutput => facts.Endpoint == RequestEndpoint.ImageGenerations ? new JsonParam("model")
            : facts.Endpoint == RequestEndpoint.Responses ? new JsonParam("tools") : new JsonParam("modalities"),
        _ => new JsonParam("model"),
    };

    private static JsonParam SizeParam(RequestFacts facts) =>
        facts.Endpoint == RequestEndpoint.ImageGenerations ? new JsonParam("size") : new JsonParam("image_config", leaf: "size");

    private static JsonParam CountParam(RequestFacts facts) =>
        facts.Endpoint == RequestEndpoint.ImageGenerations && facts.N > 0 ? new JsonParam("n") : new JsonParam("image_config", leaf: "num_images");

    private static RouteDecision Reject(CatalogSnapshot snapshot, RequestFacts facts, RouteError error, ModelEntry? model, AliasEntry? alias,
        AliasKind kind, Capabilities needs, RouteWarnings warnings = RouteWarnings.None)
    {
        FallbackBuffer none = default;
        return new RouteDecision(snapshot, facts.Endpoint, error, model, alias, kind, needs, default, warnings, facts.ImageCount, none, 0, facts.Forward);
    }
}
