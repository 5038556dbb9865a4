using System.Buffers;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using RoutingCore.Budgets;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace RoutingCore.ReverseProxy;

/// <summary>
/// The proxy pipeline step for routes marked <c>RoutingCore</c> (spec R-GW-*): resolve the caller → read the body
/// into one pooled buffer → route with the caller's allow-list and cost cap → admit → reserve → for each ranked model,
/// its provider's cluster, a destination by the cluster's load balancing, the body as segments of that buffer, YARP's
/// forwarder → on 429, 5xx, a timeout or a connection failure before any byte reached the client, the next model →
/// the response streamed through while metered → settle (release when nothing was served). Other routes pass on.
/// </summary>
internal sealed class RoutingCoreProxy(
    IRoutingEngine engine, IBudgetLedger ledger, IHttpForwarder forwarder, IProxyStateLookup proxyState,
    IEnumerable<ILoadBalancingPolicy> balancers, IEnumerable<IPassiveHealthCheckPolicy> passivePolicies,
    IOptions<RoutingCoreProxyOptions> options, PendingSettlements pending, IRoutingCoreHealth health,
    IRoutingCoreClientResolver clients, RoutingCoreTransformer transformer, ILogger<RoutingCoreProxy> logger,
    IRoutingCoreAdmission? admission = null)
{
    private readonly RoutingCoreProxyOptions _options = options.Value;
    private readonly LedgerOutage _ledgerOutage = new();
    private readonly Dictionary<string, ILoadBalancingPolicy> _balancers = balancers.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, IPassiveHealthCheckPolicy> _passive = passivePolicies.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var route = context.GetRouteModel();
        if (route.Config.Metadata?.TryGetValue(RoutingCoreProxyOptions.RouteMetadataKey, out var shape) != true || RoutingCoreShapes.Parse(shape) is not { } endpoint)
        {
            await next();
            return;
        }
        long arrived = Stopwatch.GetTimestamp();
        try
        {
            await HandleAsync(context, endpoint, arrived);
        }
        finally
        {
            RecordRefusal(context, endpoint, arrived);
        }
    }

    /// <summary>
    /// A request answered with an error before or instead of any upstream answer (401, 400, 413, 429, 503, 502…): its
    /// duration with <c>error.type</c> (the error code) and the status, so dashboards see rejections and upstream
    /// failures. Served requests record theirs when they complete.
    /// </summary>
    private static void RecordRefusal(HttpContext context, RequestEndpoint endpoint, long arrived)
    {
        int status = context.Response.StatusCode;
        if (status < 400 || !RoutingCoreProxyTelemetry.OperationDuration.Enabled || context.Features.Get<RoutingCoreAttempt>() is { Served: true }) return;
        string errorType = context.Items.TryGetValue(ErrorShapes.ErrorTypeKey, out var code) && code is string s ? s
            : status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var tags = new TagList
        {
            { "gen_ai.operation.name", OperationName(endpoint) }, { "error.type", errorType }, { "http.response.status_code", status },
        };
        RoutingCoreProxyTelemetry.OperationDuration.Record(Stopwatch.GetElapsedTime(arrived).TotalSeconds, tags);
    }

    private async Task HandleAsync(HttpContext context, RequestEndpoint endpoint, long arrived)
    {
        using var activity = RoutingCoreProxyTelemetry.Source.StartActivity(OperationName(endpoint), ActivityKind.Client);
        activity?.SetTag("gen_ai.operation.name", OperationName(endpoint));
        var client = clients.Resolve(context);
        if (client is null)
        {
            activity?.SetTag("error.type", "invalid_api_key");
            await ErrorShapes.WriteAsync(context, endpoint, 401, "invalid_api_key", null, "The API key is missing or not known.");
            return;
        }

        // Kestrel's own limit sits one byte past ours; lift it by the drain allowance so an over-size body can be read
        // to its end before the 413 (R-GW-13). Our own limit below still refuses anything over MaxBodyBytes.
        if (_options.OversizeDrainBytes > 0 && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false, MaxRequestBodySize: { } kestrelMax } size)
        {
            size.MaxRequestBodySize = kestrelMax + _options.OversizeDrainBytes;
        }
        var (body, length, tooLarge) = await ReadBodyAsync(context.Request, _options.MaxBodyBytes, context.RequestAborted);
        try
        {
            if (tooLarge)
            {
                // Read and discard the rest up to the drain bound, so a client that writes its whole body before reading
                // sees the 413 rather than a broken pipe; then say the connection ends.
                if (_options.OversizeDrainBytes > 0 && (context.Request.ContentLength ?? 0) <= _options.MaxBodyBytes + _options.OversizeDrainBytes)
                {
                    await DrainAsync(context.Request, _options.OversizeDrainBytes, context.RequestAborted);
                }
                context.Response.Headers.Connection = "close";
                activity?.SetTag("error.type", "request_too_large");
                await ErrorShapes.WriteAsync(context, endpoint, 413, "request_too_large", null, $"The request body exceeds {_options.MaxBodyBytes} bytes.");
                return;
            }
            long started = Stopwatch.GetTimestamp();
            var decision = engine.Route(body.AsSpan(0, length), client.Context with { Endpoint = endpoint, Health = health.View });
            if (activity is not null)
            {
                string? requested = decision.Alias?.Id ?? decision.ModelId;
                if (requested is not null)
                {
                    activity.SetTag("gen_ai.request.model", requested);
                    activity.DisplayName = OperationName(endpoint) + " " + requested;
                }
                if (decision.Difficulty is { } difficulty) activity.SetTag("routingcore.difficulty", difficulty);
            }
            if (!decision.Succeeded)
            {
                int status = decision.Error.Code == RouteErrorCode.ModelNotAllowed ? 403 : 400;
                string param = decision.Error.Param.ToString();
                RoutingCoreProxyTelemetry.Rejected(logger, decision.ErrorCode!, param, status);
                activity?.SetTag("error.type", decision.ErrorCode);
                string message = decision.Error.Message ?? decision.ErrorCode!;
                if (decision.Error.Code == RouteErrorCode.UnknownModel && RequestedModel(body.AsSpan(0, length)) is { } named)
                {
                    // Name what was asked for and where the ids are (only on this error path: it reads the body again).
                    message = $"The model '{named}' is neither a model nor an alias of this gateway's catalog; GET /v1/models lists the ids it serves.";
                }
                await ErrorShapes.WriteAsync(context, endpoint, status, decision.ErrorCode!, param, message);
                return;
            }
            activity?.SetTag("routingcore.estimated_cost_usd", (double)decision.Estimate.CostUsd);
            // Admission (per-key rates): refused before any budget is held or anything goes upstream.
            var admitted = Admission.Admit();
            if (admission is not null)
            {
                admitted = await admission.AdmitAsync(client, decision.Estimate.InputTokens + decision.Estimate.OutputTokens, context.RequestAborted);
                if (!admitted.Admitted)
                {
                    context.Response.Headers.RetryAfter = admitted.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    if (admitted.Limit is { } limit)
                    {
                        var inv = System.Globalization.CultureInfo.InvariantCulture;
                        context.Response.Headers["x-ratelimit-limit-" + limit.Unit] = limit.Limit.ToString(inv);
                        context.Response.Headers["x-ratelimit-remaining-" + limit.Unit] = limit.Remaining.ToString(inv);
                        context.Response.Headers["x-ratelimit-reset-" + limit.Unit] = limit.ResetSeconds.ToString(inv) + "s";
                    }
                    activity?.SetTag("error.type", admitted.Code);
                    await ErrorShapes.WriteAsync(context, endpoint, admitted.Status, admitted.Code ?? "rate_limited", null, admitted.Message ?? "Refused.");
                    return;
                }
            }
            BudgetReservation reservation;
            try
            {
                using var ledgerWait = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
                ledgerWait.CancelAfter(_options.LedgerTimeout); // a frozen database answers nothing: do not hold the client
                reservation = await ledger.ReserveAsync(client.LedgerId, ReserveAmount(decision, client.Reserve), ledgerWait.Token);
                _ledgerOutage.Recovered(logger);
            }
            catch (Exception ex) when (LedgerOutage.IsOutage(ex, context.RequestAborted))
            {
                // The ledger cannot be asked: refuse in the endpoint's shape with a retry hint, one warning per outage.
                _ledgerOutage.Failed(logger, ex);
                context.Response.Headers.RetryAfter = _options.LedgerRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                activity?.SetTag("error.type", "ledger_unavailable");
                await ErrorShapes.WriteAsync(context, endpoint, 503, "ledger_unavailable", null, "The budget ledger is unreachable; retry shortly.");
                return;
            }
            if (!reservation.Granted && decision.AliasKind == AliasKind.Auto && reservation.RemainingUsd is > 0m and { } left)
            {
                // An auto alias downgrades instead of refusing (R-GW-26): the remaining budget becomes the request's
                // cost cap, the router picks the best eligible model under it, and that model's estimate is reserved.
                var capped = engine.Route(body.AsSpan(0, length), client.Context with
                {
                    Endpoint = endpoint, Health = health.View, MaxCostUsd = client.Context.MaxCostUsd is { } cap && cap < left ? cap : left,
                });
                if (capped.Succeeded)
                {
                    try
                    {
                        using var ledgerWait = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
                        ledgerWait.CancelAfter(_options.LedgerTimeout);
                        var second = await ledger.ReserveAsync(client.LedgerId, ReserveAmount(capped, client.Reserve), ledgerWait.Token);
                        if (second.Granted)
                        {
                            context.Response.Headers["x-routingcore-downgraded"] = $"budget: {decision.ModelId} -> {capped.ModelId}";
                            activity?.SetTag("routingcore.downgraded_from", decision.ModelId);
                            decision = capped;
                            reservation = second;
                        }
                    }
                    catch (Exception ex) when (LedgerOutage.IsOutage(ex, context.RequestAborted))
                    {
                        _ledgerOutage.Failed(logger, ex); // answered as over budget below, as before the downgrade
                    }
                }
            }
            if (!reservation.Granted)
            {
                // Retrying cannot help until the budget period rolls over or the limit is raised: tell SDKs not to.
                context.Response.Headers["x-should-retry"] = "false";
                activity?.SetTag("error.type", "over_budget");
                await ErrorShapes.WriteAsync(context, endpoint, 429, "over_budget", null,
                    $"This key's budget has {reservation.RemainingUsd ?? 0:0.######} USD left; the request is estimated at {decision.Estimate.CostUsd:0.######} USD.");
                return;
            }
            await ForwardAsync(context, endpoint, decision, body.AsMemory(0, length), reservation, admitted, started, arrived, activity, client.Name ?? client.LedgerId);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    /// <summary>The top-level <c>model</c> string of a JSON body, or null.</summary>
    private static string? RequestedModel(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new System.Text.Json.Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != System.Text.Json.JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
            {
                bool isModel = reader.ValueTextEquals("model"u8);
                if (!reader.Read()) return null;
                if (isModel) return reader.TokenType == System.Text.Json.JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }
        return null;
    }

    private static string OperationName(RequestEndpoint endpoint) => endpoint == RequestEndpoint.ImageGenerations ? "generate_content" : "chat";

    /// <summary>Reads and discards up to <paramref name="bound"/> more bytes of the request body, for at most 10 seconds; never throws.</summary>
    private static async Task DrainAsync(HttpRequest request, long bound, CancellationToken aborted)
    {
        var scratch = ArrayPool<byte>.Shared.Rent(64 * 1024);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        limit.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            for (long drained = 0; drained <= bound;)
            {
                int read = await request.Body.ReadAsync(scratch, limit.Token);
                if (read == 0) return;
                drained += read;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or BadHttpRequestException or IOException)
        {
            // Too slow, too large or gone: the 413 goes with the connection closed, as without draining.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Reads the body into a pooled buffer; over the limit it stops reading and reports it (413 before reading it all).</summary>
    private static async Task<(byte[] Buffer, int Length, bool TooLarge)> ReadBodyAsync(HttpRequest request, long max, CancellationToken cancel)
    {
        if (request.ContentLength > max) return (ArrayPool<byte>.Shared.Rent(1), 0, true);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(max + 1, Math.Max(request.ContentLength ?? 16 * 1024, 1024)));
        int length = 0;
        while (true)
        {
            if (length == Math.Min(buffer.Length, max + 1))
            {
                if (length > max) return (buffer, length, true);
                var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(max + 1, (long)buffer.Length * 2));
                buffer.AsSpan(0, length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = bigger;
            }
            // Never ask for more than one byte past the limit: Kestrel's own limit sits there, and a pooled buffer may be
            // larger than asked for (a chunked body of exactly the limit is accepted, one byte more is a JSON 413).
            int read;
            try
            {
                read = await request.Body.ReadAsync(buffer.AsMemory(length, (int)Math.Min(buffer.Length, max + 1) - length), cancel);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return (buffer, length, true);
            }
            if (read == 0) break;
            length += read;
            if (length > max) return (buffer, length, true);
        }
        return (buffer, length, false);
    }

    private async Task ForwardAsync(HttpContext context, RequestEndpoint endpoint, RouteDecision decision, ReadOnlyMemory<byte> body,
        BudgetReservation reservation, Admission admitted, long started, long arrived, Activity? activity, string clientName)
    {
        var attempt = new RoutingCoreAttempt { Decision = decision, Endpoint = endpoint, Options = _options, ClientName = clientName };
        context.Features.Set(attempt);
        var requestBody = new UpstreamBodyStream();
        var originalBody = context.Response.Body;
        using var responseBody = new MeteringResponseStream(originalBody, attempt);
        context.Request.Headers.Remove("Transfer-Encoding");
        context.Request.Body = requestBody;
        context.Response.Body = responseBody;
        string? lastError = null;
        bool first = true, sent = false;
        try
        {
            for (int i = 0; i < decision.ServingModelCount; i++)
            {
                var model = decision.GetServingModel(i);
                string clusterId = _options.ClusterForProvider(model.Provider);
                if (!proxyState.TryGetCluster(clusterId, out var cluster) || cluster.Model.Config.Destinations is not { Count: > 0 })
                {
                    lastError = $"No cluster is configured for provider '{model.Provider}': add ReverseProxy:Clusters:{clusterId} with a destination"
                        + (_options.MissingClusterHint is { } hint ? ", " + string.Format(System.Globalization.CultureInfo.InvariantCulture, hint, model.Provider) : "") + ".";
                    continue;
                }
                var available = cluster.DestinationsState.AvailableDestinations;
                if (available.Count == 0)
                {
                    lastError = $"Every destination of cluster '{clusterId}' is unhealthy.";
                    continue;
                }
                if (!health.TryEnterProbe(model))
                {
                    // Half-open and another request is already probing it (R-HEALTH-3): the next ranked model.
                    lastError ??= $"'{model.Id}' is being probed after a cooldown.";
                    continue;
                }
                var destination = available.Count == 1 ? available[0] : PickDestination(context, cluster, available);
                string? apiKey = null;
                destination.Model.Config.Metadata?.TryGetValue(RoutingCoreProxyOptions.ApiKeyMetadataKey, out apiKey);
                attempt.Begin(model, destination.Model.Config.Address, apiKey);
                requestBody.Reset(decision, body, model);
                context.Request.ContentLength = requestBody.Length;
                if (context.Response.StatusCode != 200) context.Response.Clear(); // a previous attempt's 502 (nothing was sent)
                context.Features.Set<IForwarderErrorFeature?>(null);
                if (first)
                {
                    RoutingCoreProxyTelemetry.ProcessingTime.Record(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                    first = false;
                }
                var proxyFeature = context.GetReverseProxyFeature();
                proxyFeature.ProxiedDestination = destination;
                sent = true;
                long attemptStarted = Stopwatch.GetTimestamp();
                var error = await forwarder.SendAsync(context, destination.Model.Config.Address, cluster.Model.HttpClient, RequestConfig(cluster.Model), transformer);
                ReportPassive(context, cluster, destination);

                if (attempt.Served)
                {
                    await health.RecordSuccessAsync(model, Stopwatch.GetElapsedTime(attemptStarted));
                    await CompleteServedAsync(context, endpoint, decision, model, destination, reservation, admitted, responseBody, error, arrived, activity);
                    return;
                }
                context.RequestAborted.ThrowIfCancellationRequested();

                // Failed before any byte reached the client: record it and try the next ranked model.
                string reason;
                if (attempt.LastFailure is { } failed && attempt.UpstreamStatus != 0)
                {
                    await health.RecordFailureAsync(model, failed.RetryAfter);
                    reason = $"status {attempt.UpstreamStatus}";
                }
                else
                {
                    await health.RecordFailureAsync(model, null);
                    var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
                    bool timedOut = exception is FirstByteTimeoutException || exception?.InnerException is FirstByteTimeoutException;
                    reason = timedOut ? "first-byte timeout" : "connection failed";
                    lastError = timedOut
                        ? $"The upstream for '{model.Id}' sent no response within {_options.FirstByteTimeout.TotalSeconds:0.###} s."
                        : $"The upstream for '{model.Id}' could not be reached: {exception?.Message ?? error.ToString()}";
                    attempt.LastFailure = null; // a later transport failure replaces an earlier status answer
                }
                RoutingCoreProxyTelemetry.FallingBack(logger, model.Id, model.Provider, reason);
                RoutingCoreProxyTelemetry.Fallbacks.Add(1);
            }

            // Every model failed before the first byte: release, and give the client the last upstream's answer.
            await ledger.ReleaseAsync(reservation, CancellationToken.None);
            context.Response.Body = originalBody;
            if (!context.Response.HasStarted) context.Response.Clear();
            activity?.SetTag("error.type", attempt.LastFailure is { } last ? last.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) : "upstream_unavailable");
            if (attempt.LastFailure is { } answer)
            {
                context.Response.StatusCode = answer.Status;
                context.Response.ContentType = answer.ContentType is { } type ? RoutingCoreTransformer.SafeHeader(type) : "application/json";
                foreach (var (name, value) in answer.Headers) context.Response.Headers[name] = value;
                await context.Response.Body.WriteAsync(answer.Body, context.RequestAborted);
                return;
            }
            await ErrorShapes.WriteAsync(context, endpoint, 502, "upstream_unavailable", null, lastError ?? "No upstream could serve the request.");
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left before any response: nothing was served to it. A request that never reached a provider
            // frees its reservation at once; one that did is settled for its input (the provider bills the prompt).
            activity?.SetTag("error.type", "client_disconnected");
            if (sent) await SettleSafelyAsync(reservation, InputCost(decision));
            else await ledger.ReleaseAsync(reservation, CancellationToken.None);
        }
        finally
        {
            context.Response.Body = originalBody;
            context.Features.Set<RoutingCoreAttempt?>(null);
        }
    }

    private async Task CompleteServedAsync(HttpContext context, RequestEndpoint endpoint, RouteDecision decision, ModelEntry model, DestinationState destination,
        BudgetReservation reservation, Admission admitted, MeteringResponseStream responseBody, ForwarderError error, long arrived, Activity? activity)
    {
        bool gone = context.RequestAborted.IsCancellationRequested;
        bool cut = !gone && error is not ForwarderError.None;
        if (cut) RoutingCoreProxyTelemetry.FailedMidStream(logger, model.Id, model.Provider, context.Features.Get<IForwarderErrorFeature>()?.Exception);
        if (!gone && !cut)
        {
            try { await responseBody.FinishAsync(context.RequestAborted); }
            catch (Exception ex) when (ex is OperationCanceledException or IOException) { gone = true; }
        }
        var usage = responseBody.Usage();
        // A client that left is billed for what was served: the usage metered so far, else the input estimate plus the
        // output counted from the text streamed (the meter's estimate), never less than the input.
        decimal cost = gone ? Math.Max(usage.CostUsd, InputCost(decision)) : usage.CostUsd;
        if (admission is not null)
            await admission.CompleteAsync(admitted, usage.InputTokens + usage.CachedInputTokens + usage.CacheWriteTokens + usage.OutputTokens);
        // Settled before the response completes, so the next request of this key sees the spend.
        await SettleSafelyAsync(reservation, cost);

        string requested = decision.Alias?.Id ?? decision.ModelId ?? model.Id;
        string operation = OperationName(endpoint);
        var (host, port) = ServerOf(destination.Model.Config.Address);
        long input = usage.InputTokens + usage.CachedInputTokens + usage.CacheWriteTokens;
        if (RoutingCoreProxyTelemetry.TokenUsage.Enabled || RoutingCoreProxyTelemetry.Cost.Enabled || RoutingCoreProxyTelemetry.OperationDuration.Enabled)
        {
            // Only with a listener: the tags box the port.
            var tags = new TagList
            {
                { "gen_ai.operation.name", operation }, { "gen_ai.provider.name", model.Provider },
                { "gen_ai.request.model", requested }, { "gen_ai.response.model", model.Id },
                { "server.address", host }, { "server.port", port },
            };
            // An upstream error passed through (4xx/5xx) still says so on the duration.
            if (context.Response.StatusCode >= 400) tags.Add("error.type", context.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var inputTags = tags;
            inputTags.Add("gen_ai.token.type", "input");
            RoutingCoreProxyTelemetry.TokenUsage.Record(input, inputTags);
            var outputTags = tags;
            outputTags.Add("gen_ai.token.type", "output");
            RoutingCoreProxyTelemetry.TokenUsage.Record(usage.OutputTokens, outputTags);
            RoutingCoreProxyTelemetry.Cost.Add((double)cost, tags);
            if (RoutingCoreProxyTelemetry.Spend.Enabled && context.Features.Get<RoutingCoreAttempt>() is { } served)
            {
                RoutingCoreProxyTelemetry.Spend.Add((double)cost, new KeyValuePair<string, object?>("routingcore.client", served.ClientName),
                    new KeyValuePair<string, object?>("gen_ai.response.model", model.Id));
            }
            RoutingCoreProxyTelemetry.OperationDuration.Record(Stopwatch.GetElapsedTime(arrived).TotalSeconds, tags);
        }
        if (activity is not null)
        {
            activity.SetTag("gen_ai.response.model", model.Id);
            activity.SetTag("gen_ai.provider.name", model.Provider);
            activity.SetTag("gen_ai.usage.input_tokens", input);
            activity.SetTag("gen_ai.usage.output_tokens", usage.OutputTokens);
            activity.SetTag("routingcore.cost_usd", (double)cost);
            activity.SetTag("server.address", host);
            activity.SetTag("server.port", port);
            if (gone) activity.SetTag("error.type", "client_disconnected");
            else if (cut) activity.SetTag("error.type", "upstream_failed_mid_response");
            else if (context.Response.StatusCode >= 400) activity.SetTag("error.type", context.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        if (logger.IsEnabled(LogLevel.Information))
        {
            string note = gone ? " (client left)" : usage.Complete && !responseBody.Incomplete ? "" : " (incomplete)";
            string name = RequestNames.Endpoint(endpoint), destinationId = destination.DestinationId;
            int status = context.Response.StatusCode;
            RoutingCoreProxyTelemetry.Served(logger, name, requested, model.Id, model.Provider, destinationId, status, decision.Estimate.CostUsd, usage.CostUsd, note);
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Host, int Port)> s_servers = new(StringComparer.Ordinal);

    /// <summary>The destination's host and port (the conventions' <c>server.address</c>, <c>server.port</c>), parsed once per address.</summary>
    private static (string Host, int Port) ServerOf(string address) =>
        s_servers.GetOrAdd(address, static a => Uri.TryCreate(a, UriKind.Absolute, out var uri) ? (uri.Host, uri.Port) : (a, 0));

    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<ClusterModel, ForwarderRequestConfig> _requestConfigs = new();

    /// <summary>
    /// The cluster's request settings with an activity timeout no shorter than the first-byte timeout (YARP's own
    /// default is 100 s), made once per cluster model (a configuration reload makes new models).
    /// </summary>
    private ForwarderRequestConfig RequestConfig(ClusterModel cluster) => _requestConfigs.GetValue(cluster, c =>
    {
        var config = c.Config.HttpRequest ?? ForwarderRequestConfig.Empty;
        var least = _options.FirstByteTimeout > TimeSpan.FromSeconds(100) ? _options.FirstByteTimeout : TimeSpan.FromSeconds(100);
        return config.ActivityTimeout is { } set && set >= _options.FirstByteTimeout ? config : config with { ActivityTimeout = least };
    });

    private DestinationState PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> available)
    {
        string name = cluster.Model.Config.LoadBalancingPolicy ?? LoadBalancingPolicies.PowerOfTwoChoices;
        return _balancers.TryGetValue(name, out var policy) ? policy.PickDestination(context, cluster, available) ?? available[0] : available[0];
    }

    private void ReportPassive(HttpContext context, ClusterState cluster, DestinationState destination)
    {
        var passive = cluster.Model.Config.HealthCheck?.Passive;
        if (passive?.Enabled != true) return;
        if (_passive.TryGetValue(passive.Policy ?? HealthCheckConstants.PassivePolicy.TransportFailureRate, out var policy))
            policy.RequestProxied(context, cluster, destination);
    }

    /// <summary>
    /// What the request holds: the estimate, or with <see cref="ReserveMode.MaxOutput"/> and no <c>max_tokens</c> in the
    /// request, the estimate with the output at the chosen model's <c>MaxOutputTokens</c> (per completion).
    /// </summary>
    internal static decimal ReserveAmount(in RouteDecision decision, ReserveMode mode)
    {
        var estimate = decision.Estimate;
        if (mode != ReserveMode.MaxOutput || decision.RequestedMaxTokens is not null || decision.Model is not { MaxOutputTokens: > 0 } model
            || estimate.OutputTokens == 0)
            return estimate.CostUsd;
        long completions = Math.Max(1, estimate.OutputTokens / Math.Max(1, model.DefaultOutputTokens));
        long extra = model.MaxOutputTokens * completions - estimate.OutputTokens;
        return extra <= 0 ? estimate.CostUsd : estimate.CostUsd + extra * model.OutputPerMillion / 1_000_000m;
    }

    /// <summary>The input part of the estimate: what a provider bills for a prompt it received, whatever happened to the answer.</summary>
    private static decimal InputCost(in RouteDecision decision) =>
        decision.Model is { } m ? decision.Estimate.InputTokens * m.InputPerMillion / 1_000_000m : 0m;

    /// <summary>Settles, never throwing: a settlement the ledger cannot take now is queued and retried until it succeeds or its reservation expires.</summary>
    private async Task SettleSafelyAsync(BudgetReservation reservation, decimal actualUsd)
    {
        try
        {
            await ledger.SettleAsync(reservation, actualUsd, CancellationToken.None);
        }
        catch (Exception ex) when (LedgerOutage.IsOutage(ex, CancellationToken.None))
        {
            _ledgerOutage.Failed(logger, ex);
            pending.Add(reservation, actualUsd);
        }
    }
}
