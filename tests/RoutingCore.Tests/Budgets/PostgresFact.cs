using RoutingCore.Testing.Postgres;

namespace RoutingCore.Tests.Budgets;

/// <summary>A fact that needs PostgreSQL: reported as skipped, with how to run it, when the server is not installed.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (!PostgresServer.Available) Skip = PostgresServer.SkipMessage;
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresServerGroup : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}

/// <summary>One cluster for the whole collection (started lazily, so a machine without PostgreSQL only skips).</summary>
public sealed class PostgresFixture : IDisposable
{
    private readonly Lazy<PostgresServer> _server = new(() => new PostgresServer());

    public PostgresServer Server => _server.Value;

    public void Dispose()
    {
        if (_server.IsValueCreated) _server.Value.Dispose();
    }
}
