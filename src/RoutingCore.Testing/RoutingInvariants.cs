namespace RoutingCore.Testing;

/// <summary>
/// The invariants every routing decision must meet, whatever the catalog and policy: call <see cref="Check"/> from
/// a property and it throws with a description of the first broken rule.
/// </summary>
public static class RoutingInvariants
{
    /// <summary>Routes <paramref name="body"/> twice and checks the decision against the spec's invariants.</summary>
    public static RouteDecision Check(IRoutingEngine engine, ReadOnlySpan<byte> body, in RouteContext context = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var first = engine.Route(body, context);
        var second = engine.Route(body, context);
        if (first.ModelId != second.ModelId || first.ErrorCode != second.ErrorCode || first.Estimate != second.Estimate)
            throw new RoutingInvariantException($"Not deterministic: {first.ModelId ?? first.ErrorCode} then {second.ModelId ?? second.ErrorCode}.");
        if (first.Succeeded == (first.ErrorCode is not null))
            throw new RoutingInvariantException("A decision must have exactly one of a model and an error code.");
        if (!first.Succeeded) return first;

        var model = first.Model!;
        if (!model.Has(first.Requirements))
            throw new RoutingInvariantException($"{model.Id} lacks {first.Requirements & ~model.Capabilities} that the request needs.");
        if (first.ImageCount > 0 && !model.Has(Capabilities.Vision))
            throw new RoutingInvariantException($"An image request went to {model.Id}, which has no vision.");
        if (first.AliasKind == AliasKind.Pinned && !ReferenceEquals(first.Alias!.Target, model))
            throw new RoutingInvariantException($"Pinned alias {first.Alias.Id} routed to {model.Id}.");
        if (context.AllowedModels is { } allowed && !allowed.Contains(model.Id))
            throw new RoutingInvariantException($"{model.Id} is outside the allow-list.");
        if (context.MaxCostUsd is { } max && first.Estimate.CostUsd > max)
            throw new RoutingInvariantException($"{model.Id} costs {first.Estimate.CostUsd} above the budget {max}.");
        for (int i = 0; i < first.FallbackCount; i++)
        {
            var fallback = first.GetFallback(i);
            if (!fallback.Has(first.Requirements)) throw new RoutingInvariantException($"Fallback {fallback.Id} lacks a requirement.");
            if (ReferenceEquals(fallback, model)) throw new RoutingInvariantException($"Fallback {fallback.Id} repeats the chosen model.");
        }
        return first;
    }
}
