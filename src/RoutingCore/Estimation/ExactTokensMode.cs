namespace RoutingCore;

/// <summary>When the engine counts text exactly for models whose catalog entry names a <c>Tokenizer</c> (<c>Routing:ExactTokens</c>).</summary>
public enum ExactTokensMode
{
    /// <summary>Only when a decision depends on it: a candidate with a tokenizer refused for its context window or
    /// the cost cap by the heuristic upper bound, or a host asking for it per request (<see cref="RouteContext.ExactTokens"/>).</summary>
    WhenNeeded,
    /// <summary>For every request, on every model with a tokenizer.</summary>
    Always,
    /// <summary>Never: the heuristic upper bound everywhere.</summary>
    Never,
}
