namespace RoutingCore;

/// <summary>How a model (or its provider) has been answering lately, as the host's health view says (spec R-HEALTH-*).</summary>
public enum HealthStatus : byte
{
    /// <summary>Answering normally.</summary>
    Healthy = 0,
    /// <summary>Answering, but its last first byte came slowly: ranked after every healthy candidate.</summary>
    Degraded,
    /// <summary>In a cooldown after repeated failures or a <c>retry-after</c>: not chosen while anything else is eligible.</summary>
    CoolingDown,
}
