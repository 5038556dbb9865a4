using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using RoutingCore.Budgets;

namespace RoutingCore.Gateway;

/// <summary>
/// One request through the whole loop (BRIEF §16): authenticate → read the body into a pooled buffer → route with the
/// key's allow-list and cost cap → reserve the estimate → rewrite the body for the model → forward → on 429, 5xx or a
/// connection failure before any byte reached the client, the next ranked model → stream the response through while
/// metering it → settle the actual cost (release when nothing was served).
/// </summary>
internal sealed class GatewayHandler(
    IRoutingEngine engine, IBudgetLedger ledger, KeyAuthenticator keys, IHttpClientFactory clients,
    IOptions<GatewayOptions> options, PendingSettlements pending, ModelHealthTracker localHealth, RateLimits limits, ILogger<GatewayHandler> logger,
    RoutingCore.Redis.RedisSharedHealth? sharedHealth = null)
{
    public const string ClientName = "upstream";
    private const int ResponseBufferCap = 64 * 1024 * 1024;
    private readonly GatewayOptions _options = options.Value;
    private readonly LedgerOutage _ledgerOutage = new();
    private static readonly object RateWindowKey = new();

    public async Task HandleAsync(HttpContext context, RequestEndpoint endpoint)
    {
        var key = keys.Authenticate(context.Request);
        if (key is null)
        {
            await ErrorShapes.WriteAsync(context, endpoint, 401, "invalid_api_key", null, "The API key is missing or not known.");
            return;
        }

        var (body, length, tooLarge) = await ReadBodyAsync(context.Request, _options.MaxBodyBytes, context.RequestAborted);
        try
        {
            if (tooLarge)
            {
                // The rest of the body is not read: say the connection ends, so clients read the 413 instead of a reset.
                context.Response.Headers.Connection = "close";
                await ErrorShapes.WriteAsync(context, endpoint, 413, "request_too_large", null, $"The request body exceeds {_options.MaxBodyBytes} bytes.");
                return;
            }
            long started = Stopwatch.GetTimestamp();
            // The health the gateway has seen (R-HEALTH-4): cooling providers are skipped, degraded ones tried last.
            var decision = engine.Route(body.AsSpan(0, length), key.Context with { Endpoint = endpoint, Health = (IModelHealth?)sharedHealth ?? localHealth });
            if (!decision.Succeeded)
            {
                int status = decision.Error.Code == RouteErrorCode.ModelNotAllowed ? 403 : 400;
                string param = decision.Error.Param.ToString();
                GatewayTelemetry.Rejected(logger, decision.ErrorCode!, param, status);
                await ErrorShapes.WriteAsync(context, endpoint, status, decision.ErrorCode!, param, decision.Error.Message ?? decision.ErrorCode!);
                return;
            }
            // Per-key rates (R-GW-19): refused before any budget is held or anything goes upstream.
            long estimatedTokens = decision.Estimate.InputTokens + decision.Estimate.OutputTokens;
            var (refusal, ticket) = await limits.AdmitAsync(key.LedgerId, key.Options, estimatedTokens);
            if (refusal is { } refused)
            {
                context.Response.Headers.RetryAfter = refused.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await ErrorShapes.WriteAsync(context, endpoint, refused.Status, refused.Code, null, refused.Message);
                return;
            }
            context.Items[RateWindowKey] = ticket;
            BudgetReservation reservation;
            try
            {
                using var ledgerWait = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
                ledgerWait.CancelAfter(_options.LedgerTimeout); // a frozen database answers nothing: do not hold the client
                reservation = await ledger.ReserveAsync(key.LedgerId, ReserveAmount(decision, key.Options.Reserve), ledgerWait.Token);
                _ledgerOutage.Recovered(logger);
            }
            catch (Exception ex) when (LedgerOutage.IsOutage(ex, context.RequestAborted))
            {
                // The ledger cannot be asked: refuse in the endpoint's shape with a retry hint, one warning per outage.
                _ledgerOutage.Failed(logger, ex);
                context.Response.Headers.RetryAfter = _options.LedgerRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await ErrorShapes.WriteAsync(context, endpoint, 503, "ledger_unavailable", null, "The budget ledger is unreachable; retry shortly.");
                return;
            }
            if (!reservation.Granted)
            {
                // Retrying cannot help until the budget period rolls over or the limit is raised: tell SDKs not to.
                context.Response.Headers["x-should-retry"] = "false";
                await ErrorShapes.WriteAsync(context, endpoint, 429, "over_budget", null,
                    $"This key's budget has {reservation.RemainingUsd ?? 0:0.######} USD left; the request is estimated at {decision.Estimate.CostUsd:0.######} USD.");
                return;
            }
            await ForwardAsync(context, endpoint, decision, body.AsMemory(0, length), reservation, started);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
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
        BudgetReservation reservation, long started)
    {
        var client = clients.CreateClient(ClientName);
        string path = endpoint switch
        {
            RequestEndpoint.Messages => "/messages", RequestEndpoint.ImageGenerations => "/images/generations", RequestEndpoint.Responses => "/responses",
            _ => "/chat/completions",
        };
        HttpResponseMessage? last = null;
        byte[]? lastBody = null;
        string? lastError = null;
        bool first = true, sent = false;
        long attemptStarted = 0;
        try
        {
            for (int attempt = 0; attempt < decision.ServingModelCount; attempt++)
            {
                var model = decision.GetServingModel(attempt);
                if (!_options.Upstreams.TryGetValue(model.Provider, out var upstream) || string.IsNullOrWhiteSpace(upstream.BaseUrl))
                {
                    lastError = $"No upstream is configured for provider '{model.Provider}': set Gateway:Upstreams:{model.Provider}:BaseUrl (for example the environment variable Gateway__Upstreams__{model.Provider}__BaseUrl).";
                    continue;
                }
                if (!localHealth.TryEnterProbe(model))
                {
                    // Half-open and another request is already probing it (R-HEALTH-3): the next ranked model.
                    lastError ??= $"'{model.Id}' is being probed after a cooldown.";
                    continue;
                }
                int size = decision.GetUpstreamBodyLength(body.Span, model);
                var forwarded = ArrayPool<byte>.Shared.Rent(size);
                HttpResponseMessage? response = null;
                try
                {
                    decision.WriteUpstreamBody(body.Span, forwarded, model);
                    using var request = new HttpRequestMessage(HttpMethod.Post, upstream.BaseUrl.TrimEnd('/') + path)
                    {
                        Content = new ByteArrayContent(forwarded, 0, size),
                    };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    AddCredentials(request, context.Request, model, upstream, endpoint);
                    if (first)
                    {
                        GatewayTelemetry.ProcessingTime.Record(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                        first = false;
                    }
                    using var firstByte = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
                    firstByte.CancelAfter(_options.FirstByteTimeout);
                    try
                    {
                        sent = true;
                        attemptStarted = Stopwatch.GetTimestamp();
                        response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, firstByte.Token);
                    }
                    catch (HttpRequestException ex)
                    {
                        await RecordFailureAsync(model);
                        lastError = $"The upstream for '{model.Id}' could not be reached: {ex.Message}";
                        GatewayTelemetry.FallingBack(logger, model.Id, model.Provider, "connection failed");
                        GatewayTelemetry.Fallbacks.Add(1);
                        continue;
                    }
                    catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
                    {
                        // No response headers within Gateway:FirstByteTimeout: a failed attempt, and the next model is tried.
                        await RecordFailureAsync(model);
                        lastError = $"The upstream for '{model.Id}' sent no response within {_options.FirstByteTimeout.TotalSeconds:0.###} s.";
                        GatewayTelemetry.FallingBack(logger, model.Id, model.Provider, "first-byte timeout");
                        GatewayTelemetry.Fallbacks.Add(1);
                        last?.Dispose();
                        last = null;
                        lastBody = null;
                        continue;
                    }
                    int status = (int)response.StatusCode;
                    if (status == 429 || status >= 500)
                    {
                        await RecordFailureAsync(model, RetryAfter(response));
                        // Nothing has reached the client yet: keep this answer in case every model fails, try the next.
                        last?.Dispose();
                        lastBody = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
                        last = response;
                        response = null;
                        GatewayTelemetry.FallingBack(logger, model.Id, model.Provider, $"status {status}");
                        GatewayTelemetry.Fallbacks.Add(1);
                        continue;
                    }
                    await RecordSuccessAsync(model, Stopwatch.GetElapsedTime(attemptStarted));
                    await RelayAsync(context, endpoint, decision, model, response, reservation);
                    return;
                }
                finally
                {
                    response?.Dispose();
                    ArrayPool<byte>.Shared.Return(forwarded);
                }
            }

            // Every model failed before the first byte: release, and give the client the last upstream's answer.
            await ledger.ReleaseAsync(reservation, CancellationToken.None);
            if (last is not null && lastBody is not null)
            {
                context.Response.StatusCode = (int)last.StatusCode;
                context.Response.ContentType = last.Content.Headers.ContentType?.ToString() ?? "application/json";
                CopyClientHeaders(last, context.Response);
                await context.Response.Body.WriteAsync(lastBody, context.RequestAborted);
                return;
            }
            await ErrorShapes.WriteAsync(context, endpoint, 502, "upstream_unavailable", null, lastError ?? "No upstream could serve the request.");
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left before any response: nothing was served to it. A request that never reached a provider
            // frees its reservation at once; one that did is settled for its input (the provider bills the prompt).
            if (sent) await SettleSafelyAsync(reservation, InputCost(decision));
            else await ledger.ReleaseAsync(reservation, CancellationToken.None);
        }
        finally
        {
            last?.Dispose();
        }
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

    /// <summary>Feeds the health view (R-HEALTH-4): this instance's tracker, and the shared one on Redis when configured (its errors never fail the request).</summary>
    private async Task RecordFailureAsync(ModelEntry model, TimeSpan? retryAfter = null)
    {
        if (sharedHealth is null) { localHealth.RecordFailure(model, retryAfter); return; }
        try { await sharedHealth.RecordFailureAsync(model, retryAfter); }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException or ObjectDisposedException) { GatewayTelemetry.LimitsUnavailable.Add(1); }
    }

    private async Task RecordSuccessAsync(ModelEntry model, TimeSpan firstByte)
    {
        if (sharedHealth is null) { localHealth.RecordSuccess(model, firstByte); return; }
        try { await sharedHealth.RecordSuccessAsync(model, firstByte); }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException or ObjectDisposedException) { GatewayTelemetry.LimitsUnavailable.Add(1); }
    }

    /// <summary>An upstream's <c>retry-after</c> (seconds or an HTTP date), which sets the cooldown it asks for.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date - DateTimeOffset.UtcNow is { Ticks: > 0 } left ? left : null;
        return null;
    }

    /// <summary>Upstream headers a client's SDK acts on: retry hints, rate-limit state and the provider's request id.</summary>
    private static void CopyClientHeaders(HttpResponseMessage upstream, HttpResponse client)
    {
        foreach (var (name, values) in upstream.Headers)
        {
            if (name.Equals("retry-after", StringComparison.OrdinalIgnoreCase) || name.Equals("retry-after-ms", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("x-ratelimit-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("anthropic-ratelimit-", StringComparison.OrdinalIgnoreCase)
                || name.Equals("x-request-id", StringComparison.OrdinalIgnoreCase) || name.Equals("request-id", StringComparison.OrdinalIgnoreCase)
                || name.Equals("x-should-retry", StringComparison.OrdinalIgnoreCase))
            {
                client.Headers[name.ToLowerInvariant()] = SafeHeader(string.Join(",", values));
            }
        }
    }

    /// <summary>The provider's own credential convention; the client's key never goes upstream.</summary>
    private void AddCredentials(HttpRequestMessage request, HttpRequest client, ModelEntry model, UpstreamOptions upstream, RequestEndpoint endpoint)
    {
        bool anthropic = endpoint == RequestEndpoint.Messages && string.Equals(model.Provider, "anthropic", StringComparison.OrdinalIgnoreCase);
        if (anthropic)
        {
            if (upstream.ApiKey is { Length: > 0 } apiKey) request.Headers.TryAddWithoutValidation("x-api-key", apiKey);
            string version = client.Headers["anthropic-version"].ToString();
            request.Headers.TryAddWithoutValidation("anthropic-version", IsToken(version) ? version : _options.AnthropicVersion);
            string beta = client.Headers["anthropic-beta"].ToString();
            if (IsToken(beta)) request.Headers.TryAddWithoutValidation("anthropic-beta", beta);
        }
        else if (upstream.ApiKey is { Length: > 0 } bearer)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
    }

    private static bool IsToken(string value) => value.Length is > 0 and < 200 && value.All(c => c is > ' ' and < (char)127);

    private async Task RelayAsync(HttpContext context, RequestEndpoint endpoint, RouteDecision decision, ModelEntry model,
        HttpResponseMessage response, BudgetReservation reservation)
    {
        var contentType = response.Content.Headers.ContentType?.ToString();
        bool sse = contentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true;
        context.Response.StatusCode = (int)response.StatusCode;
        if (contentType is not null) context.Response.ContentType = SafeHeader(contentType);
        CopyClientHeaders(response, context.Response);
        context.Response.Headers["x-routingcore-model"] = SafeHeader(model.Id);
        context.Response.Headers["x-routingcore-provider"] = SafeHeader(model.Provider);
        context.Response.Headers["x-routingcore-estimated-cost-usd"] = decision.Estimate.CostUsd.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (sse)
        {
            context.Response.Headers.CacheControl = "no-cache";
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        }

        using var meter = sse ? new StreamingUsageMeter() : null;
        meter?.Start(decision, model);
        // The usage chunk the gateway asked for is metered, then kept from a client that did not ask for it.
        using var filter = sse && decision.InsertsStreamUsage ? new InjectedUsageFilter() : null;
        var filtered = filter is null ? null : new ArrayBufferWriter<byte>(16 * 1024);
        byte[] whole = sse ? [] : ArrayPool<byte>.Shared.Rent(64 * 1024);
        int wholeLength = 0;
        bool overCap = false, cut = false, gone = false;
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            await using var upstream = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            while (true)
            {
                int read;
                try
                {
                    read = await upstream.ReadAsync(chunk, context.RequestAborted);
                }
                catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
                {
                    gone = true; // the client left while the gateway waited for the provider's next bytes
                    break;
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException)
                {
                    // The client already has bytes: no fallback, nothing synthetic appended; the response ends here.
                    GatewayTelemetry.FailedMidStream(logger, model.Id, model.Provider, ex);
                    cut = true;
                    break;
                }
                if (read == 0)
                {
                    if (filter is not null)
                    {
                        filtered!.ResetWrittenCount();
                        filter.Flush(filtered);
                        if (filtered.WrittenCount > 0) await WriteToClientAsync(context, filtered.WrittenMemory, sse);
                    }
                    break;
                }
                if (meter is not null) meter.Feed(chunk.AsSpan(0, read)); // metered before it is sent: what reached the wire is billed
                try
                {
                    if (filter is not null)
                    {
                        filtered!.ResetWrittenCount();
                        filter.Process(chunk.AsSpan(0, read), filtered);
                        if (filtered.WrittenCount > 0) await WriteToClientAsync(context, filtered.WrittenMemory, sse);
                    }
                    else
                    {
                        await WriteToClientAsync(context, chunk.AsMemory(0, read), sse);
                    }
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException || context.RequestAborted.IsCancellationRequested)
                {
                    // The client left mid-response: stop reading, settle for what the provider produced so far.
                    gone = true;
                    break;
                }
                if (meter is null && !overCap)
                {
                    if (wholeLength + read > whole.Length)
                    {
                        if (wholeLength + read > ResponseBufferCap) { overCap = true; continue; }
                        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(whole.Length * 2, wholeLength + read));
                        whole.AsSpan(0, wholeLength).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(whole);
                        whole = bigger;
                    }
                    chunk.AsSpan(0, read).CopyTo(whole.AsSpan(wholeLength));
                    wholeLength += read;
                }
            }
            var usage = meter is not null ? meter.Complete() : UsageMeter.Meter(decision, whole.AsSpan(0, wholeLength), model);
            // A client that left is billed for what was served: the usage metered so far, else the input estimate
            // plus the output counted from the text streamed (the meter's estimate), never less than the input.
            decimal cost = gone ? Math.Max(usage.CostUsd, InputCost(decision)) : usage.CostUsd;
            if (context.Items[RateWindowKey] is RateLimits.Ticket ticket)
                await limits.CorrectAsync(ticket, usage.InputTokens + usage.CachedInputTokens + usage.CacheWriteTokens + usage.OutputTokens);
            // Settled before the response completes, so the next request of this key sees the spend.
            await SettleSafelyAsync(reservation, cost);
            if (logger.IsEnabled(LogLevel.Information))
            {
                string name = RequestNames.Endpoint(endpoint);
                string? requested = decision.Alias?.Id ?? decision.ModelId;
                decimal estimate = decision.Estimate.CostUsd, actual = usage.CostUsd;
                string note = gone ? " (client left)" : usage.Complete && !overCap ? "" : " (incomplete)";
                GatewayTelemetry.Served(logger, name, requested, model.Id, model.Provider, context.Response.StatusCode, estimate, actual, note);
            }
            if (cut) context.Abort();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
            if (whole.Length > 0) ArrayPool<byte>.Shared.Return(whole);
        }
    }

    private static async Task WriteToClientAsync(HttpContext context, ReadOnlyMemory<byte> bytes, bool flush)
    {
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        if (flush) await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    /// <summary>Header values only ever hold visible ASCII: anything else (CR, LF, controls, non-ASCII) is percent-encoded (CWE-113).</summary>
    internal static string SafeHeader(string value) =>
        value.All(c => c is >= ' ' and < (char)127) ? value : Uri.EscapeDataString(value);
}
