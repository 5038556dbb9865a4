namespace RoutingCore.Tests.Redis;

/// <summary>A test that needs <c>redis-server</c>: skipped, saying how to run it, when it is not installed.</summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (!RedisServer.Available) Skip = RedisServer.SkipMessage;
    }
}
