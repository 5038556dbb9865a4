namespace RoutingCore.ReverseProxy;

/// <summary>Admits or refuses a routed request before any budget is held (per-key request and token rates).</summary>
public interface IRoutingCoreAdmission
{
    /// <summary>Asks to admit a request estimated at <paramref name="estimatedTokens"/> tokens.</summary>
    ValueTask<Admission> AdmitAsync(RoutingCoreClient client, long estimatedTokens, CancellationToken cancellationToken);

    /// <summary>Reports the tokens the request actually used once it was metered.</summary>
    ValueTask CompleteAsync(Admission admission, long actualTokens);
}
