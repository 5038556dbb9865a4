using System.Runtime.CompilerServices;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace RoutingCore.ReverseProxy;

/// <summary>
/// A passive health policy for provider destinations (<c>HealthCheck:Passive:Policy</c> =
/// <see cref="Name"/>): a destination that fails <c>RoutingCoreFailures.Threshold</c> times in a row (cluster
/// metadata; default 3) — a connection failure, a timeout, a 5xx or a 429 — is taken out for the cluster's
/// <c>ReactivationPeriod</c> (default 30 s), and any answer resets the count. YARP's own <c>TransportFailureRate</c>
/// counts transport errors only; a provider deployment that is down mostly answers 5xx.
/// </summary>
internal sealed class ConsecutiveFailuresPolicy(IDestinationHealthUpdater updater) : IPassiveHealthCheckPolicy
{
    public const string Name = "RoutingCoreFailures";
    public const string ThresholdMetadataKey = "RoutingCoreFailures.Threshold";
    private static readonly TimeSpan DefaultReactivation = TimeSpan.FromSeconds(30);
    private readonly ConditionalWeakTable<DestinationState, StrongBox<int>> _failures = new();

    string IPassiveHealthCheckPolicy.Name => Name;

    public void RequestProxied(HttpContext context, ClusterState cluster, DestinationState destination)
    {
        var attempt = context.Features.Get<RoutingCoreAttempt>();
        int status = attempt?.UpstreamStatus ?? context.Response.StatusCode;
        // A client that went away says nothing about the destination; a failure after a RoutingCore attempt was served
        // (mid-stream) is not an answer status either.
        bool transport = context.Features.Get<Yarp.ReverseProxy.Forwarder.IForwarderErrorFeature>() is { } error && attempt?.Served != true
            && error.Error is not (Yarp.ReverseProxy.Forwarder.ForwarderError.RequestCanceled or Yarp.ReverseProxy.Forwarder.ForwarderError.RequestBodyCanceled);
        bool failed = transport || status == 429 || status >= 500;
        var count = _failures.GetValue(destination, static _ => new StrongBox<int>());
        if (!failed)
        {
            Volatile.Write(ref count.Value, 0);
            return;
        }
        int threshold = 3;
        if (cluster.Model.Config.Metadata?.TryGetValue(ThresholdMetadataKey, out var text) == true && int.TryParse(text, out int parsed) && parsed > 0) threshold = parsed;
        if (Interlocked.Increment(ref count.Value) >= threshold)
        {
            Volatile.Write(ref count.Value, 0);
            var period = cluster.Model.Config.HealthCheck?.Passive?.ReactivationPeriod ?? DefaultReactivation;
            updater.SetPassive(cluster, destination, DestinationHealth.Unhealthy, period);
        }
    }
}
