using System.Text.Json;

namespace RoutingCore.Cli;

/// <summary>
/// <c>--health FILE</c>: a health snapshot to route with (spec R-HEALTH-5), so a user can see what a gateway with that
/// view would decide: <c>{"gpt-5-nano": "cooling_down", "anthropic": "degraded"}</c> — keys are model ids or
/// providers (case-insensitive), values <c>healthy</c>, <c>degraded</c> or <c>cooling_down</c>; a model takes the
/// worse of its own and its provider's.
/// </summary>
internal sealed class HealthSnapshotFile : IModelHealth
{
    private readonly Dictionary<string, HealthStatus> _status;

    private HealthSnapshotFile(Dictionary<string, HealthStatus> status) => _status = status;

    public static HealthSnapshotFile Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException("a health snapshot is a JSON object of model or provider to status");
        var map = new Dictionary<string, HealthStatus>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            map[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() switch
            {
                "healthy" => HealthStatus.Healthy,
                "degraded" => HealthStatus.Degraded,
                "cooling_down" => HealthStatus.CoolingDown,
                var other => throw new InvalidDataException($"'{p.Name}': unknown status '{other}' (healthy, degraded, cooling_down)"),
            } : throw new InvalidDataException($"'{p.Name}': the status must be a string");
        }
        return new HealthSnapshotFile(map);
    }

    public HealthStatus GetStatus(ModelEntry model)
    {
        var a = _status.GetValueOrDefault(model.Id);
        var b = _status.GetValueOrDefault(model.Provider);
        return a > b ? a : b;
    }
}
