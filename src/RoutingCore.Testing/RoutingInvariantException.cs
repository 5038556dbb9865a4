namespace RoutingCore.Testing;

/// <summary>A routing invariant does not hold.</summary>
public sealed class RoutingInvariantException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RoutingInvariantException(string message) : base(message) { }
    /// <summary>Creates the exception.</summary>
    public RoutingInvariantException() { }
    /// <summary>Creates the exception.</summary>
    public RoutingInvariantException(string message, Exception inner) : base(message, inner) { }
}
