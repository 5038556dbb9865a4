namespace RoutingCore.Tests;

/// <summary>Tests that install process-wide listeners, or that a process-wide listener would disturb, never run in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalListeners
{
    public const string Name = "Global listeners";
}
