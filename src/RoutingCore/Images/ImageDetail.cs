namespace RoutingCore;

/// <summary>The <c>detail</c> requested for an OpenAI image part.</summary>
public enum ImageDetail : byte
{
    /// <summary>Not given (priced as <see cref="High"/>).</summary>
    Unspecified = 0,
    /// <summary><c>auto</c> (priced as <see cref="High"/>: never under-estimate).</summary>
    Auto,
    /// <summary><c>low</c>.</summary>
    Low,
    /// <summary><c>high</c>.</summary>
    High,
}
