using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace RoutingCore.ReverseProxy;

/// <summary>
/// The request and response transforms of a RoutingCore attempt. Upstream: the endpoint's path on the destination,
/// the provider's own credential from the destination's <c>ApiKey</c> metadata (the client's key never goes
/// upstream), no compression (the response is metered), the body as set by the proxy step. Downstream: the status, a
/// content type and the headers an SDK acts on (retry hints, rate-limit state, request ids), all as visible ASCII,
/// plus <c>x-routingcore-*</c>; a 429 or 5xx answer is kept, not sent, so the next ranked model can be tried.
/// </summary>
internal sealed class RoutingCoreTransformer : HttpTransformer
{
    internal static readonly HttpRequestOptionsKey<TimeSpan> FirstByteTimeoutKey = new("RoutingCore.FirstByteTimeout");
    private const int FailureBodyCap = 1024 * 1024;
    private static readonly MediaTypeHeaderValue s_json = new("application/json");

    public override ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        var attempt = httpContext.Features.GetRequiredFeature<RoutingCoreAttempt>();
        // Only what the provider needs: client headers (its key, cookies, encodings) are not copied.
        if (proxyRequest.Content is { } content)
        {
            content.Headers.ContentType = s_json;
            content.Headers.ContentLength = httpContext.Request.ContentLength;
        }
        string path = attempt.Endpoint switch
        {
            RequestEndpoint.Messages => "messages", RequestEndpoint.ImageGenerations => "images/generations", RequestEndpoint.Responses => "responses",
            _ => "chat/completions",
        };
        proxyRequest.RequestUri = new Uri(destinationPrefix.EndsWith('/') ? destinationPrefix + path : destinationPrefix + "/" + path, UriKind.Absolute);
        var model = attempt.Model;
        bool anthropic = attempt.Endpoint == RequestEndpoint.Messages && string.Equals(model.Provider, "anthropic", StringComparison.OrdinalIgnoreCase);
        var client = httpContext.Request.Headers;
        if (anthropic)
        {
            if (attempt.ApiKey is { Length: > 0 } apiKey) proxyRequest.Headers.TryAddWithoutValidation("x-api-key", apiKey);
            string version = client["anthropic-version"].ToString();
            proxyRequest.Headers.TryAddWithoutValidation("anthropic-version", IsToken(version) ? version : attempt.Options.AnthropicVersion);
            string beta = client["anthropic-beta"].ToString();
            if (IsToken(beta)) proxyRequest.Headers.TryAddWithoutValidation("anthropic-beta", beta);
        }
        else if (attempt.ApiKey is { Length: > 0 } bearer)
        {
            proxyRequest.Headers.TryAddWithoutValidation("Authorization", "Bearer " + bearer);
        }
        proxyRequest.Options.Set(FirstByteTimeoutKey, attempt.Options.FirstByteTimeout);
        return ValueTask.CompletedTask;
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is null) return false;
        var attempt = httpContext.Features.GetRequiredFeature<RoutingCoreAttempt>();
        int status = (int)proxyResponse.StatusCode;
        attempt.UpstreamStatus = status;
        var contentType = proxyResponse.Content.Headers.ContentType?.ToString();
        if (status == 429 || status >= 500)
        {
            // Nothing reaches the client yet: keep this answer in case every model fails; the next one is tried.
            attempt.LastFailure = new FailedAnswer(status, contentType, ClientHeaders(proxyResponse), await ReadCappedAsync(proxyResponse, cancellationToken), RetryAfter(proxyResponse));
            return false;
        }
        var response = httpContext.Response;
        response.StatusCode = status;
        if (contentType is not null) response.ContentType = SafeHeader(contentType);
        foreach (var (name, value) in ClientHeaders(proxyResponse)) response.Headers[name] = value;
        response.Headers["x-routingcore-model"] = SafeHeader(attempt.Model.Id);
        response.Headers["x-routingcore-provider"] = SafeHeader(attempt.Model.Provider);
        response.Headers["x-routingcore-estimated-cost-usd"] = attempt.Decision.Estimate.CostUsd.ToString(System.Globalization.CultureInfo.InvariantCulture);
        attempt.Sse = contentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true;
        if (attempt.Sse)
        {
            response.Headers.CacheControl = "no-cache";
            httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        }
        attempt.Served = true;
        (httpContext.Response.Body as MeteringResponseStream)?.Start();
        return true;
    }

    public override ValueTask TransformResponseTrailersAsync(HttpContext httpContext, HttpResponseMessage proxyResponse, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    private static async Task<byte[]> ReadCappedAsync(HttpResponseMessage response, CancellationToken cancel)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancel);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while (buffer.Length < FailureBodyCap && (read = await stream.ReadAsync(chunk, cancel)) > 0) buffer.Write(chunk, 0, (int)Math.Min(read, FailureBodyCap - buffer.Length));
        return buffer.ToArray();
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
    internal static List<KeyValuePair<string, string>> ClientHeaders(HttpResponseMessage upstream)
    {
        var kept = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in upstream.Headers)
        {
            if (name.Equals("retry-after", StringComparison.OrdinalIgnoreCase) || name.Equals("retry-after-ms", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("x-ratelimit-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("anthropic-ratelimit-", StringComparison.OrdinalIgnoreCase)
                || name.Equals("x-request-id", StringComparison.OrdinalIgnoreCase) || name.Equals("request-id", StringComparison.OrdinalIgnoreCase)
                || name.Equals("x-should-retry", StringComparison.OrdinalIgnoreCase))
            {
                kept.Add(new(name.ToLowerInvariant(), SafeHeader(string.Join(",", values))));
            }
        }
        return kept;
    }

    private static bool IsToken(string value) => value.Length is > 0 and < 200 && value.All(c => c is > ' ' and < (char)127);

    /// <summary>Header values only ever hold visible ASCII: anything else (CR, LF, controls, non-ASCII) is percent-encoded (CWE-113).</summary>
    internal static string SafeHeader(string value) =>
        value.All(c => c is >= ' ' and < (char)127) ? value : Uri.EscapeDataString(value);
}

/// <summary>YARP's client factory with a first-byte timeout on RoutingCore attempts (the response headers must come within it).</summary>
internal sealed class RoutingCoreForwarderHttpClientFactory : ForwarderHttpClientFactory
{
    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new FirstByteTimeoutHandler(base.WrapHandler(context, handler));

    private sealed class FirstByteTimeoutHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!request.Options.TryGetValue(RoutingCoreTransformer.FirstByteTimeoutKey, out var timeout) || timeout == Timeout.InfiniteTimeSpan)
                return await base.SendAsync(request, cancellationToken);
            using var firstByte = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            firstByte.CancelAfter(timeout);
            try
            {
                // The token only covers the wait for the headers: the body is read later under the caller's token.
                return await base.SendAsync(request, firstByte.Token);
            }
            catch (OperationCanceledException) when (firstByte.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new FirstByteTimeoutException(timeout);
            }
        }
    }
}

/// <summary>No response headers within <see cref="RoutingCoreProxyOptions.FirstByteTimeout"/>.</summary>
internal sealed class FirstByteTimeoutException(TimeSpan timeout)
    : TimeoutException($"The upstream sent no response within {timeout.TotalSeconds:0.###} s.");
