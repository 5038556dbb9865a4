namespace RoutingCore;

/// <summary>
/// Routes raw request bodies against the live catalog snapshot. Thread-safe; one instance per process.
/// </summary>
public interface IRoutingEngine
{
    /// <summary>The live catalog snapshot.</summary>
    CatalogSnapshot Catalog { get; }

    /// <summary>
    /// Routes one raw UTF-8 request body. Never throws for any input bytes and allocates nothing in steady state.
    /// </summary>
    /// <param name="body">The request body exactly as received.</param>
    /// <param name="context">Host constraints; <c>default</c> infers the endpoint and constrains nothing.</param>
    RouteDecision Route(ReadOnlySpan<byte> body, in RouteContext context = default);

    /// <summary>Routes one body and fills <paramref name="details"/> with per-image facts and, if asked, the candidate table.</summary>
    RouteDecision Route(ReadOnlySpan<byte> body, in RouteContext context, RouteDetails details);

    /// <summary>
    /// Routes a request built from objects (the second front end, spec R-OBJ-*): the same decision and estimate as the
    /// equivalent OpenAI chat body. The decision has no body to rewrite (<see cref="RouteDecision.WriteUpstreamBody(ReadOnlySpan{byte}, Span{byte}, ModelEntry)"/> does not apply).
    /// </summary>
    RouteDecision Route(RoutingRequest request, in RouteContext context = default);
}
