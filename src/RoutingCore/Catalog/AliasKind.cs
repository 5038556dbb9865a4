namespace RoutingCore;

/// <summary>How the requested id was resolved.</summary>
public enum AliasKind : byte
{
    /// <summary>The id names a model directly.</summary>
    Direct = 0,
    /// <summary>Every eligible model, ranked.</summary>
    Auto,
    /// <summary>Eligible models of one tier, ranked.</summary>
    Tier,
    /// <summary>Image-output models, ranked.</summary>
    Image,
    /// <summary>Exactly one model.</summary>
    Pinned,
}
