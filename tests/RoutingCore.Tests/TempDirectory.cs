namespace RoutingCore.Tests;

/// <summary>A fresh temporary directory, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("routingcore-tests-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
