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
}
