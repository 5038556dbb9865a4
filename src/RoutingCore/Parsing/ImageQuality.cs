namespace RoutingCore;

/// <summary>The requested quality of generated images.</summary>
public enum ImageQuality : byte
{
    /// <summary>Not given: priced at the most expensive listed quality.</summary>
    Unspecified = 0,
    /// <summary><c>auto</c>: priced at the most expensive listed quality.</summary>
    Auto,
    /// <summary><c>low</c>.</summary>
    Low,
    /// <summary><c>medium</c>.</summary>
    Medium,
    /// <summary><c>high</c>.</summary>
    High,
    /// <summary><c>standard</c> (DALL·E 3).</summary>
    Standard,
    /// <summary><c>hd</c> (DALL·E 3).</summary>
    Hd,
}
